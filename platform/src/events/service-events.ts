import type { Logger } from 'pino';
import type { BaseConfig } from '../config';
import type { Database } from '../db/database';
import { consume, type EventApplier } from './consume';
import { createEventTransport } from './create-event-transport';
import { startOutboxRelay } from './outbox-relay';
import type { Subscription } from './transport';

export interface ConsumedTopic {
  topic: string;
  apply: EventApplier<unknown>;
}

export interface ServiceEventsOptions {
  db: Database;
  config: BaseConfig;
  logger: Logger;
  /** The subgraph's schema: its outbox is relayed from there; its consumer group is named after it. */
  schema: string;
  /** Whether this service writes an outbox to relay. */
  publishes: boolean;
  consumes: ConsumedTopic[];
}

/**
 * A subgraph's event work (docs/architecture.md §6): the transport its config chooses (Redis Streams with REDIS_URL,
 * else the PostgreSQL one), the relay of its outbox and one deduplicating consumer per topic.
 * Returns the stop function a SubgraphDefinition.background hands back.
 */
export async function startServiceEvents(opts: ServiceEventsOptions): Promise<() => Promise<void>> {
  const log = opts.logger.child({ component: 'events' });
  const transport = await createEventTransport({ redisUrl: opts.config.REDIS_URL, db: opts.db, streamPrefix: opts.config.EVENT_STREAM_PREFIX });
  const relay = opts.publishes
    ? startOutboxRelay({ db: opts.db, schema: opts.schema, transport, onError: (err) => log.warn({ err }, 'outbox relay failed; will retry') })
    : null;
  const subs: Subscription[] = [];
  for (const c of opts.consumes) {
    subs.push(
      await consume(transport, opts.db, opts.schema, opts.schema, c.topic, c.apply, {
        onError: (err, envelope) => log.warn({ err, topic: c.topic, eventId: envelope?.id }, 'event handler failed; will be redelivered'),
      }),
    );
  }
  log.info({ transport: transport.kind, relay: !!relay, consumes: opts.consumes.map((c) => c.topic) }, 'events started');
  return async () => {
    for (const s of subs) await s.stop();
    await relay?.stop();
    await transport.close();
  };
}
