import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import type Redis from 'ioredis';
import { keyValueFallbacks } from '../src/metrics';
import {
  createKeyValue,
  createRedis,
  disconnectRedis,
  firstReady,
  KEYVALUE_COMMAND_TIMEOUT_MS,
  memoryKeyValue,
  redisKeyValue,
  withInProcessFallback,
  type KeyValue,
} from '../src/redis';
import { freePort, TEST_REDIS_URL } from '../src/testing';
import { capturedLogger } from '../src/testing/logs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  kv: KeyValue;
  close(): Promise<void>;
}

async function memoryHarness(): Promise<Harness> {
  const kv = memoryKeyValue();
  return { kv, close: () => kv.close() };
}

async function redisHarness(): Promise<Harness> {
  const redis: Redis = createRedis(TEST_REDIS_URL);
  // No offline queue: a command sent before the connection is up fails at once.
  await firstReady(redis, 5000);
  const prefix = `test:${crypto.randomBytes(6).toString('hex')}:`;
  const kv = redisKeyValue(redis, prefix);
  return {
    kv,
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await kv.close();
    },
  };
}

const harnesses: [string, () => Promise<Harness>][] = [
  ['memory', memoryHarness],
  ['redis', redisHarness],
];

describe.each(harnesses)('%s key-value', (kind, make) => {
  let h: Harness;

  beforeAll(async () => {
    h = await make();
  });

  afterAll(async () => {
    await h.close();
  });

  it('says what it is', () => {
    expect(h.kv.kind).toBe(kind);
  });

  describe('cache', () => {
    it('misses an unknown key, then returns what was set', async () => {
      await expect(h.kv.cache.get('c:a')).resolves.toBeNull();
      await h.kv.cache.set('c:a', '{"x":1}', 60);
      await expect(h.kv.cache.get('c:a')).resolves.toBe('{"x":1}');
    });

    it('overwrites and deletes', async () => {
      await h.kv.cache.set('c:b', 'one', 60);
      await h.kv.cache.set('c:b', 'two', 60);
      await expect(h.kv.cache.get('c:b')).resolves.toBe('two');
      await h.kv.cache.del('c:b');
      await expect(h.kv.cache.get('c:b')).resolves.toBeNull();
    });
  });

  describe('rate limiter', () => {
    it('allows `limit` hits in a window, then refuses', async () => {
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await h.kv.rateLimiter.hit('rl:a', 3, 60));
      expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      for (const d of decisions) {
        expect(d.resetSeconds).toBeGreaterThan(0);
        expect(d.resetSeconds).toBeLessThanOrEqual(60);
      }
    });

    it('counts each key on its own', async () => {
      await h.kv.rateLimiter.hit('rl:b', 1, 60);
      expect((await h.kv.rateLimiter.hit('rl:b', 1, 60)).allowed).toBe(false);
      expect((await h.kv.rateLimiter.hit('rl:c', 1, 60)).allowed).toBe(true);
    });

    it('lets exactly `limit` of many concurrent hits through', async () => {
      const decisions = await Promise.all(Array.from({ length: 25 }, () => h.kv.rateLimiter.hit('rl:burst', 5, 60)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    });
  });
});

// Each waits out a TTL or window of one second (the shortest there is): the four wait side by side.
describe('expiry', () => {
  async function withHarness(make: () => Promise<Harness>, check: (h: Harness) => Promise<void>): Promise<void> {
    const h = await make();
    try {
      await check(h);
    } finally {
      await h.close();
    }
  }

  it.concurrent.each(harnesses)('%s cache forgets a value after its TTL', (_kind, make) =>
    withHarness(make, async (h) => {
      await h.kv.cache.set('c:ttl', 'short', 1);
      await h.kv.cache.set('c:long', 'long', 60);
      await sleep(1150);
      await expect(h.kv.cache.get('c:ttl')).resolves.toBeNull();
      await expect(h.kv.cache.get('c:long')).resolves.toBe('long');
    }),
  );

  it.concurrent.each(harnesses)('%s rate limiter opens a new window when the old one ends', (_kind, make) =>
    withHarness(make, async (h) => {
      expect((await h.kv.rateLimiter.hit('rl:w', 1, 1)).allowed).toBe(true);
      expect((await h.kv.rateLimiter.hit('rl:w', 1, 1)).allowed).toBe(false);
      await sleep(1150);
      expect((await h.kv.rateLimiter.hit('rl:w', 1, 1)).allowed).toBe(true);
    }),
  );
});

describe('redis key-value prefixes', () => {
  it('keeps two prefixes apart on one server', async () => {
    const a = await redisHarness();
    const b = await redisHarness();
    try {
      await a.kv.cache.set('shared', 'from a', 60);
      await expect(b.kv.cache.get('shared')).resolves.toBeNull();
      await a.kv.rateLimiter.hit('shared', 1, 60);
      expect((await b.kv.rateLimiter.hit('shared', 1, 60)).allowed).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/** A logger whose JSON lines a test can read. */


async function fallbackCount(operation: string): Promise<number> {
  return (await keyValueFallbacks.get()).values.find((v) => v.labels.operation === operation)?.value ?? 0;
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t };
}

describe('redis as an accelerator: the in-process fallback', () => {
  it('answers from the fallback while the primary fails, logs once per state change, and returns to the primary', async () => {
    const clock = { t: 0 };
    let down = false;
    const real = memoryKeyValue();
    const flaky: KeyValue = {
      kind: 'redis',
      cache: {
        get: (k) => (down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : real.cache.get(k)),
        set: (k, v, ttl) => (down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : real.cache.set(k, v, ttl)),
        del: (k) => (down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : real.cache.del(k)),
      },
      rateLimiter: { hit: (key, limit, w) => (down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : real.rateLimiter.hit(key, limit, w)) },
      close: () => real.close(),
    };
    const log = capturedLogger();
    const kv = withInProcessFallback(flaky, memoryKeyValue(), { logger: log.logger, retryAfterMs: 1000, now: () => clock.t });
    try {
      expect(kv.kind).toBe('redis');
      expect((await kv.rateLimiter.hit('a', 2, 60)).remaining).toBe(1);
      const before = await fallbackCount('rate_limit');
      down = true;
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await kv.rateLimiter.hit('a', 2, 60));
      // In-process limits: the fallback counts this process's hits on its own.
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false, false]);
      await kv.cache.set('k', 'v', 60);
      await expect(kv.cache.get('k')).resolves.toBe('v');
      expect((await fallbackCount('rate_limit')) - before).toBe(4);
      expect(log.lines.map((l) => [l.msg, l.cause])).toEqual([['redis unavailable: rate limits and caches fall back to in-process', 'connect ECONNREFUSED 127.0.0.1:6379']]);

      down = false;
      // Within retryAfterMs of the last failure the fallback still answers; then Redis is tried again.
      expect((await kv.rateLimiter.hit('a', 2, 60)).allowed).toBe(false);
      clock.t += 1000;
      expect((await kv.rateLimiter.hit('a', 2, 60)).remaining).toBe(0);
      expect(log.lines.map((l) => l.msg)).toEqual(['redis unavailable: rate limits and caches fall back to in-process', 'redis available again: rate limits and caches back on redis']);
    } finally {
      await kv.close();
    }
  });

  it('keeps answering, at once, when Redis is down: no error, no wait', async () => {
    const log = capturedLogger();
    const kv = createKeyValue(`redis://127.0.0.1:${await freePort()}`, { logger: log.logger });
    try {
      const first = await timed(kv.rateLimiter.hit('ip:1', 3, 60));
      expect(first.value).toMatchObject({ allowed: true, remaining: 2 });
      const rest = [];
      for (let i = 0; i < 5; i++) rest.push(await timed(kv.rateLimiter.hit('ip:1', 3, 60)));
      expect(rest.map((r) => r.value.allowed)).toEqual([true, true, false, false, false]);
      expect(Math.max(...rest.map((r) => r.ms))).toBeLessThan(50);
      await expect(kv.cache.get('nothing')).resolves.toBeNull();
      const fallback = log.lines.filter((l) => String(l.msg).startsWith('redis unavailable'));
      expect(fallback).toHaveLength(1);
      expect(String(fallback[0]!.cause)).toMatch(/ECONNREFUSED/);
      // The connection's own error listener: one line for the lost connection, none per reconnect attempt.
      await new Promise((r) => setTimeout(r, 600));
      expect(log.lines.filter((l) => l.msg === 'redis connection lost')).toHaveLength(1);
    } finally {
      await kv.close();
    }
  });

  describe('a Redis that hangs (stopped, not dead)', () => {
    let server: ChildProcess;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = createRedis(`redis://127.0.0.1:${port}`);
      for (let i = 0; i < 50 && probe.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
      await disconnectRedis(probe);
    });
    afterAll(async () => {
      server.kill('SIGCONT');
      server.kill('SIGKILL');
    });

    it('falls back after the command timeout, then answers at once until Redis answers again', async () => {
      const kv = createKeyValue(`redis://127.0.0.1:${port}`);
      try {
        expect((await kv.rateLimiter.hit('sub:u1', 100, 60)).remaining).toBe(99);
        server.kill('SIGSTOP');
        const first = await timed(kv.rateLimiter.hit('sub:u1', 100, 60));
        expect(first.ms).toBeGreaterThanOrEqual(KEYVALUE_COMMAND_TIMEOUT_MS - 10);
        expect(first.ms).toBeLessThan(KEYVALUE_COMMAND_TIMEOUT_MS + 200);
        expect(first.value.allowed).toBe(true);
        const next = await timed(kv.rateLimiter.hit('sub:u1', 100, 60));
        expect(next.ms).toBeLessThan(20);
        server.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 1100));
        // Back on Redis: its count continues where Redis left it (the hit that timed out reached it late).
        expect((await kv.rateLimiter.hit('sub:u1', 100, 60)).remaining).toBeLessThanOrEqual(97);
      } finally {
        server.kill('SIGCONT');
        await kv.close();
      }
    });
  });
});
