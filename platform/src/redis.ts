import Redis from 'ioredis';

/** A small TTL cache. */
export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(key: string): Promise<void>;
}

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** Fixed-window counter: at most `limit` hits per `windowSeconds` per key. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
}

export interface KeyValue {
  cache: Cache;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
  kind: 'redis' | 'memory';
}

const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}`;

export function redisKeyValue(redis: Redis, prefix = 'retail:'): KeyValue {
  return {
    kind: 'redis',
    cache: {
      get: (k) => redis.get(prefix + k),
      set: async (k, v, ttl) => {
        await redis.set(prefix + k, v, 'EX', Math.max(1, Math.ceil(ttl)));
      },
      del: async (k) => {
        await redis.del(prefix + k);
      },
    },
    rateLimiter: {
      async hit(key, limit, windowSeconds) {
        const [n, ttl] = (await redis.eval(HIT_SCRIPT, 1, `${prefix}rl:${key}`, String(windowSeconds))) as [number, number];
        return { allowed: n <= limit, remaining: Math.max(0, limit - n), resetSeconds: ttl > 0 ? ttl : windowSeconds };
      },
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/** The in-process fallback when REDIS_URL is not set (one process's view only). */
export function memoryKeyValue(now: () => number = Date.now): KeyValue {
  const values = new Map<string, { v: string; until: number }>();
  const windows = new Map<string, { n: number; until: number }>();
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, e] of values) if (e.until <= t) values.delete(k);
    for (const [k, e] of windows) if (e.until <= t) windows.delete(k);
  }, 30_000);
  sweep.unref();
  return {
    kind: 'memory',
    cache: {
      async get(k) {
        const e = values.get(k);
        if (!e || e.until <= now()) return null;
        return e.v;
      },
      async set(k, v, ttl) {
        values.set(k, { v, until: now() + ttl * 1000 });
      },
      async del(k) {
        values.delete(k);
      },
    },
    rateLimiter: {
      async hit(key, limit, windowSeconds) {
        const t = now();
        let w = windows.get(key);
        if (!w || w.until <= t) {
          w = { n: 0, until: t + windowSeconds * 1000 };
          windows.set(key, w);
        }
        w.n += 1;
        return { allowed: w.n <= limit, remaining: Math.max(0, limit - w.n), resetSeconds: Math.ceil((w.until - t) / 1000) };
      },
    },
    close: async () => clearInterval(sweep),
  };
}

export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

export function createKeyValue(redisUrl: string | undefined): KeyValue {
  return redisUrl ? redisKeyValue(createRedis(redisUrl)) : memoryKeyValue();
}
