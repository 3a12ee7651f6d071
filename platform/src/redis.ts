import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { keyValueFallbacks, redisConnectionUp } from './metrics';
import { causeOf, OutageLog } from './outage-log';

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
  // A failure names why Redis is unreachable (the connection's own error), not ioredis' queue message.
  const explained = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      throw redisError(redis, e);
    });
  return {
    kind: 'redis',
    cache: {
      get: (k) => explained(redis.get(prefix + k)),
      set: async (k, v, ttl) => {
        await explained(redis.set(prefix + k, v, 'EX', Math.max(1, Math.ceil(ttl))));
      },
      del: async (k) => {
        await explained(redis.del(prefix + k));
      },
    },
    rateLimiter: {
      async hit(key, limit, windowSeconds) {
        const [n, ttl] = (await explained(redis.eval(HIT_SCRIPT, 1, `${prefix}rl:${key}`, String(windowSeconds)))) as [number, number];
        return { allowed: n <= limit, remaining: Math.max(0, limit - n), resetSeconds: ttl > 0 ? ttl : windowSeconds };
      },
    },
    close: () => disconnectRedis(redis),
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

/**
 * How every Redis client of the platform behaves when Redis is gone or hangs: fail fast, never queue.
 * Measured against a killed redis-server: a new command fails in 0 ms (no offline queue), a command in flight
 * when the connection drops fails after ~200 ms (one reconnect attempt); against a stopped (SIGSTOP) one a
 * command fails after `commandTimeout`. The old settings (offline queue, 2 retries) held requests for up to 9.9 s.
 */
export const REDIS_CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 3000,
  // Reconnect soon after Redis returns (ioredis' default backs off to 5 s).
  retryStrategy: (times: number) => Math.min(100 * 2 ** (times - 1), 1000) + Math.floor(Math.random() * 50),
};

/** Deadline of one command on the events connection (XADD, XACK, XAUTOCLAIM); blocking reads get their BLOCK time more. */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** Deadline of one rate-limit or cache command: past it the request is served by the in-process fallback. */
export const KEYVALUE_COMMAND_TIMEOUT_MS = 250;

interface ConnectionState {
  /** Ready once, or failed once: from then on nobody waits for a connection, commands fail fast. */
  settled: boolean;
  lastError: Error | undefined;
  log: OutageLog;
}

const connections = new WeakMap<Redis, ConnectionState>();
const closing = new WeakMap<Redis, Promise<void>>();

/**
 * Gives a Redis client its 'error' listener (without one ioredis prints "[ioredis] Unhandled error event" traces
 * on every reconnect attempt) and logs its connection once per state change: lost (with the real cause, e.g.
 * `connect ECONNREFUSED`), restored. `redis_connection_up{client}` follows it.
 */
export function watchRedis(client: Redis, name: string, logger?: Logger): Redis {
  if (connections.has(client)) return client;
  const state: ConnectionState = {
    settled: client.status === 'ready',
    lastError: undefined,
    log: new OutageLog({
      logger,
      fields: { component: 'redis', client: name },
      messages: { down: 'redis connection lost', stillDown: 'redis connection still down', up: 'redis connection restored' },
    }),
  };
  connections.set(client, state);
  redisConnectionUp.set({ client: name }, client.status === 'ready' ? 1 : 0);
  client.on('error', (err: Error) => {
    state.settled = true;
    state.lastError = err;
    redisConnectionUp.set({ client: name }, 0);
    state.log.failure(err);
  });
  client.on('close', () => {
    state.settled = true;
    redisConnectionUp.set({ client: name }, 0);
  });
  client.on('ready', () => {
    state.settled = true;
    state.lastError = undefined;
    redisConnectionUp.set({ client: name }, 1);
    state.log.success();
  });
  return client;
}

/**
 * A Redis client with the fail-fast options above and its error listener. `commandTimeoutMs`: how long one
 * command may take (a hung server); blocking reads need their BLOCK time more.
 */
export function createRedis(url: string, opts: { name?: string; logger?: Logger; commandTimeoutMs?: number } = {}): Redis {
  const client = new Redis(url, { ...REDIS_CLIENT_OPTIONS, commandTimeout: opts.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS, lazyConnect: false });
  return watchRedis(client, opts.name ?? 'redis', opts.logger);
}

/** A second connection like `client` (e.g. for blocking reads), with its own listener. */
export function duplicateRedis(client: Redis, name: string, opts: { logger?: Logger; commandTimeoutMs?: number } = {}): Redis {
  const copy = client.duplicate(opts.commandTimeoutMs === undefined ? {} : { commandTimeout: opts.commandTimeoutMs });
  return watchRedis(copy, name, opts.logger);
}

/**
 * Resolves once the client is ready, or after `ms`. Only a client's first connection attempt (a process starting)
 * is waited for: once it was up or failed to connect, nobody waits, its commands fail at once.
 */
export function firstReady(client: Redis, ms: number): Promise<void> {
  const state = connections.get(client);
  if (client.status === 'ready' || state?.settled || client.status === 'end') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      client.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
    client.once('error', done); // the first attempt failed: Redis is down
    client.once('end', done); // disconnected on purpose (a subscription stopping)
  });
}

/**
 * Disconnects (once: a second disconnect() leaves ioredis' 2 s close timer behind) and resolves when the
 * connection has ended, or after `ms`.
 */
export function disconnectRedis(client: Redis, ms = 1000): Promise<void> {
  const pending = closing.get(client);
  if (pending) return pending;
  if (client.status === 'end') return Promise.resolve();
  const closed = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('end', done);
    client.disconnect();
  });
  closing.set(client, closed);
  return closed;
}

/**
 * An error of a command on `client` as a person can act on it: while the connection is down, ioredis says
 * "Stream isn't writeable and enableOfflineQueue options is false"; the cause is why it is down (the last
 * connection error, e.g. `connect ECONNREFUSED 127.0.0.1:6379`).
 */
export function redisError(client: Redis, error: unknown): Error {
  if (client.status === 'ready') return error instanceof Error ? error : new Error(causeOf(error), { cause: error });
  const state = connections.get(client);
  const why = state?.lastError ? causeOf(state.lastError) : 'connection closed';
  return new Error(`redis unreachable (${client.status}): ${why}`, { cause: error });
}

export interface FallbackOptions {
  logger?: Logger | undefined;
  /** Whether the primary can be tried now (the Redis connection is up): true, or why not (the fallback answers at once). */
  available?: () => Promise<true | string>;
  /** After a primary failure (an error, a timeout), the fallback answers alone for this long before Redis is tried again. */
  retryAfterMs?: number;
  now?: () => number;
}

/**
 * Redis as an accelerator, not a single point of failure: every rate-limit and cache operation goes to `primary`
 * (Redis) unless it is unavailable, fails or does not answer within its command timeout; then `fallback`
 * (in-process) answers. Rate limits then count per process (N replicas allow N times the limit), and the cache is
 * per process (a del while Redis is down does not reach Redis: a value may be served until its TTL ends).
 * Logged once per state change; `keyvalue_fallback_total{operation}` counts the fallback answers.
 */
export function withInProcessFallback(primary: KeyValue, fallback: KeyValue, opts: FallbackOptions = {}): KeyValue {
  const now = opts.now ?? Date.now;
  const retryAfterMs = opts.retryAfterMs ?? 1000;
  const available = opts.available ?? (async () => true as const);
  const outage = new OutageLog({
    logger: opts.logger,
    now,
    fields: { component: 'keyvalue' },
    messages: {
      down: 'redis unavailable: rate limits and caches fall back to in-process',
      stillDown: 'redis still unavailable: rate limits and caches in-process',
      up: 'redis available again: rate limits and caches back on redis',
    },
  });
  let skipUntil = 0;
  async function run<T>(operation: string, viaPrimary: () => Promise<T>, viaFallback: () => Promise<T>): Promise<T> {
    const startedAt = now();
    if (startedAt >= skipUntil) {
      const ready = await available();
      if (ready === true) {
        try {
          const out = await viaPrimary();
          outage.success({}, startedAt);
          return out;
        } catch (e) {
          skipUntil = now() + retryAfterMs;
          outage.failure(e, { operation }, startedAt);
        }
      } else {
        outage.failure(new Error(ready), { operation }, startedAt);
      }
    }
    keyValueFallbacks.inc({ operation });
    return viaFallback();
  }
  return {
    kind: primary.kind,
    cache: {
      get: (k) => run('cache_get', () => primary.cache.get(k), () => fallback.cache.get(k)),
      set: (k, v, ttl) => run('cache_set', () => primary.cache.set(k, v, ttl), () => fallback.cache.set(k, v, ttl)),
      del: (k) => run('cache_del', () => primary.cache.del(k), () => fallback.cache.del(k)),
    },
    rateLimiter: {
      hit: (key, limit, windowSeconds) =>
        run('rate_limit', () => primary.rateLimiter.hit(key, limit, windowSeconds), () => fallback.rateLimiter.hit(key, limit, windowSeconds)),
    },
    close: async () => {
      await Promise.all([primary.close(), fallback.close()]);
    },
  };
}

/**
 * Rate limiter and cache: on Redis when REDIS_URL is set, falling back to in-process ones whenever Redis errors,
 * is disconnected or does not answer within KEYVALUE_COMMAND_TIMEOUT_MS; in-process only without REDIS_URL.
 */
export function createKeyValue(redisUrl: string | undefined, opts: { logger?: Logger } = {}): KeyValue {
  if (!redisUrl) return memoryKeyValue();
  const redis = createRedis(redisUrl, { name: 'keyvalue', logger: opts.logger, commandTimeoutMs: KEYVALUE_COMMAND_TIMEOUT_MS });
  return withInProcessFallback(redisKeyValue(redis), memoryKeyValue(), {
    logger: opts.logger,
    available: async () => {
      // A process just started waits briefly for its first connection rather than logging an outage.
      await firstReady(redis, KEYVALUE_COMMAND_TIMEOUT_MS);
      return redis.status === 'ready' ? true : redisError(redis, new Error('not connected')).message;
    },
  });
}
