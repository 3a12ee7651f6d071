import crypto from 'node:crypto';
import type { createRedis } from '@retail/platform';

type Redis = ReturnType<typeof createRedis>;

/**
 * Where the public response cache keeps its entries and the generation of each cached domain
 * (docs/performance.md, "Public response cache"): Redis, shared by every gateway replica, when REDIS_URL is set;
 * this process's memory otherwise.
 */
export interface ResponseCacheStore {
  readonly kind: 'redis' | 'memory';
  /**
   * In one round trip: the entry under `key` (null when none) and the current generation of each domain (null
   * when the domain has none yet: never bumped, or Redis lost it).
   */
  read(key: string, domains: readonly string[]): Promise<{ entry: string | null; generations: (string | null)[] }>;
  /** Gives each domain that has no generation a new one (never one it had before) and returns every domain's current one. */
  initGenerations(domains: readonly string[]): Promise<string[]>;
  write(key: string, entry: string, ttlMs: number): Promise<void>;
  /** A new generation for each domain: every entry computed under an older one is stale from now on. */
  bump(domains: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A generation is a random token, not a counter: if Redis loses (evicts, restarts without) a domain's generation,
 * a new one can never equal a generation an old entry recorded, so no stale entry comes back to life.
 */
const newGeneration = () => crypto.randomBytes(9).toString('base64url');

/** The store on Redis: `<prefix>entry:<key>` with a PX lifetime, `<prefix>gen:<domain>` without one. */
export function redisResponseCacheStore(redis: Redis, prefix: string): ResponseCacheStore {
  const entryKey = (key: string) => `${prefix}entry:${key}`;
  const genKey = (domain: string) => `${prefix}gen:${domain}`;
  return {
    kind: 'redis',
    async read(key, domains) {
      const [entry = null, ...generations] = await redis.mget(entryKey(key), ...domains.map(genKey));
      return { entry, generations };
    },
    async initGenerations(domains) {
      // SET NX GET: sets ours only when the domain has none, and answers the one it had (null when ours was set).
      const mine = domains.map(newGeneration);
      const pipeline = redis.pipeline();
      domains.forEach((d, i) => pipeline.set(genKey(d), mine[i]!, 'NX', 'GET'));
      const replies = (await pipeline.exec()) ?? [];
      return domains.map((_, i) => {
        const [err, had] = replies[i] ?? [new Error('no reply')];
        if (err) throw err;
        return typeof had === 'string' ? had : mine[i]!;
      });
    },
    async write(key, entry, ttlMs) {
      await redis.set(entryKey(key), entry, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async bump(domains) {
      if (domains.length === 0) return;
      await redis.mset(Object.fromEntries(domains.map((d) => [genKey(d), newGeneration()])));
    },
    close: async () => undefined, // the connection belongs to whoever made the store
  };
}

/** Bodies the memory store keeps at most, in UTF-16 code units (~2 bytes each): the oldest entries go first. */
export const MEMORY_STORE_MAX_CHARS = 32 * 1024 * 1024;

/** The store in this process (no REDIS_URL): one process's view, like the rate limit without Redis. */
export function memoryResponseCacheStore(opts: { now?: () => number; maxChars?: number } = {}): ResponseCacheStore {
  const now = opts.now ?? Date.now;
  const maxChars = opts.maxChars ?? MEMORY_STORE_MAX_CHARS;
  // Insertion order is age order (a rewrite deletes first), so eviction takes the oldest.
  const entries = new Map<string, { entry: string; until: number }>();
  const generations = new Map<string, number>();
  let chars = 0;
  const drop = (key: string) => {
    const had = entries.get(key);
    if (!had) return;
    chars -= had.entry.length;
    entries.delete(key);
  };
  const generation = (d: string) => String(generations.get(d) ?? 0);
  return {
    kind: 'memory',
    async read(key, domains) {
      const e = entries.get(key);
      if (e && e.until <= now()) drop(key);
      return { entry: e && e.until > now() ? e.entry : null, generations: domains.map(generation) };
    },
    async initGenerations(domains) {
      return domains.map(generation);
    },
    async write(key, entry, ttlMs) {
      if (entry.length > maxChars) return;
      drop(key);
      entries.set(key, { entry, until: now() + ttlMs });
      chars += entry.length;
      for (const oldest of entries.keys()) {
        if (chars <= maxChars) break;
        drop(oldest);
      }
    },
    async bump(domains) {
      for (const d of domains) generations.set(d, (generations.get(d) ?? 0) + 1);
    },
    close: async () => {
      entries.clear();
      chars = 0;
    },
  };
}
