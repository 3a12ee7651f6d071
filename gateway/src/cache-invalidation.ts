import { ConsumerHealth, RedisStreamsTransport, type Logger, type Subscription } from '@retail/platform';
import type { ResponseCache } from './response-cache';

/** The subgraphs' events that change what anonymous callers read, and the cached domain each one invalidates (docs/events.md). */
export const INVALIDATING_TOPICS: Readonly<Record<string, string>> = {
  'stores.store.changed': 'stores',
  'products.catalog.changed': 'products',
};

/**
 * One consumer group for every gateway replica: each event is handled by one replica, whose bump of the
 * generation in Redis every replica reads. (Writes through a gateway bump at once; events cover the writes that
 * did not pass through one.)
 */
export const INVALIDATION_GROUP = 'gateway-cache';

/**
 * Consumes the invalidating topics on Redis Streams (the gateway has no database, so only with REDIS_URL: without
 * Redis the cache is this process's own and only writes through this gateway invalidate it). A bump is idempotent,
 * so redelivered events need no deduplication. Failures are logged once per state change (ConsumerHealth); the
 * gateway stays ready meanwhile, since entries still end with their TTL.
 */
export async function startCacheInvalidation(opts: { cache: ResponseCache; redisUrl: string; streamPrefix: string; logger: Logger }): Promise<() => Promise<void>> {
  const logger = opts.logger.child({ component: 'response-cache-events' });
  const transport = new RedisStreamsTransport({ url: opts.redisUrl, prefix: opts.streamPrefix, logger });
  const subscriptions: Subscription[] = [];
  for (const [topic, domain] of Object.entries(INVALIDATING_TOPICS)) {
    const health = new ConsumerHealth({ topic, group: INVALIDATION_GROUP, logger });
    const handler = async (envelope: { occurredAt: string }) => {
      if (opts.cache.concerns(envelope.occurredAt)) await opts.cache.invalidate([domain], 'event');
    };
    subscriptions.push(await transport.subscribe(topic, INVALIDATION_GROUP, handler, { onOutcome: health.outcome }));
  }
  return async () => {
    for (const s of subscriptions) await s.stop();
    await transport.close();
  };
}
