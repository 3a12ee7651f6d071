import crypto from 'node:crypto';
import type Redis from 'ioredis';
import { createRedis, memoryKeyValue, redisKeyValue, type KeyValue } from '../src/redis';
import { TEST_REDIS_URL } from '../src/testing';

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

describe.each<[string, () => Promise<Harness>]>([
  ['memory', memoryHarness],
  ['redis', redisHarness],
])('%s key-value', (kind, make) => {
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

    it('forgets a value after its TTL', async () => {
      await h.kv.cache.set('c:ttl', 'short', 1);
      await h.kv.cache.set('c:long', 'long', 60);
      await sleep(1150);
      await expect(h.kv.cache.get('c:ttl')).resolves.toBeNull();
      await expect(h.kv.cache.get('c:long')).resolves.toBe('long');
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

    it('opens a new window when the old one ends', async () => {
      expect((await h.kv.rateLimiter.hit('rl:w', 1, 1)).allowed).toBe(true);
      expect((await h.kv.rateLimiter.hit('rl:w', 1, 1)).allowed).toBe(false);
      await sleep(1150);
      expect((await h.kv.rateLimiter.hit('rl:w', 1, 1)).allowed).toBe(true);
    });

    it('lets exactly `limit` of many concurrent hits through', async () => {
      const decisions = await Promise.all(Array.from({ length: 25 }, () => h.kv.rateLimiter.hit('rl:burst', 5, 60)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    });
  });
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
