import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { PostgresTransport } from './postgres-transport';
import { RedisStreamsTransport } from './redis-streams-transport';
import type { EventTransport } from './transport';

export interface EventTransportConfig {
  /** When set, events run on Redis Streams; otherwise on the PostgreSQL event log in `db`. */
  redisUrl?: string | undefined;
  db: Database;
  /** Redis stream name prefix (default `events:`). */
  streamPrefix?: string;
  /** Schema of the PostgreSQL event log (default `events`). */
  eventsSchema?: string;
  /** Where the Redis connection's state changes are logged (once per change). */
  logger?: Logger;
}

/** Redis Streams when a Redis URL is configured, else the PostgreSQL transport (migrating its tables). */
export async function createEventTransport(cfg: EventTransportConfig): Promise<EventTransport> {
  if (cfg.redisUrl) {
    const opts: ConstructorParameters<typeof RedisStreamsTransport>[0] = { url: cfg.redisUrl };
    if (cfg.streamPrefix !== undefined) opts.prefix = cfg.streamPrefix;
    if (cfg.logger !== undefined) opts.logger = cfg.logger;
    return new RedisStreamsTransport(opts);
  }
  return PostgresTransport.create(cfg.eventsSchema === undefined ? { db: cfg.db } : { db: cfg.db, schema: cfg.eventsSchema });
}
