// The public response cache's rules (docs/performance.md, "Public response cache") on both stores: a real Redis and
// this process's memory. The gateway end to end (two replicas, events, Cache-Control) is tests/response-cache.test.ts.
import crypto from 'node:crypto';
import { buildSchema, parse } from 'graphql';
import { createRedis, disconnectRedis, firstReady } from '@retail/platform';
import { TEST_REDIS_URL } from '@retail/platform/testing';
import { factsOfPlan, isPublicPlan, ResponseCache, selectsShortLived, type CacheRequestState, type Lookup } from '../src/response-cache';
import { memoryResponseCacheStore, redisResponseCacheStore, type ResponseCacheStore } from '../src/response-cache-store';

type Plan = Parameters<typeof factsOfPlan>[0];
type Facts = NonNullable<CacheRequestState['plan']>;

const fetch = (serviceName: string, kind: 'query' | 'mutation' = 'query') => ({ kind: 'Fetch', serviceName, operation: '{x}', operationName: undefined, operationKind: kind });
const planOf = (node: unknown): Plan => ({ kind: 'QueryPlan', node }) as Plan;

describe('query plans', () => {
  test('reads and writes are the subgraphs of every fetch, however nested', () => {
    const plan = planOf({
      kind: 'Sequence',
      nodes: [fetch('products', 'mutation'), { kind: 'Flatten', path: [], node: { kind: 'Parallel', nodes: [fetch('stores'), { kind: 'Condition', condition: 'c', elseClause: fetch('members') }] } }],
    });
    const facts = factsOfPlan(plan);
    expect([...facts.reads].sort()).toEqual(['members', 'products', 'stores']);
    expect([...facts.writes]).toEqual(['products']);
    expect(factsOfPlan(plan)).toBe(facts);
  });

  test('only a query reading nothing but cached domains is public', () => {
    const plan = (reads: string[], writes: string[] = [], query = true): Facts => ({ reads: new Set(reads), writes: new Set(writes), query, shortLived: false });
    expect(isPublicPlan(plan(['stores', 'products']))).toBe(true);
    expect(isPublicPlan(plan([]))).toBe(true);
    expect(isPublicPlan(plan(['products', 'members']))).toBe(false);
    expect(isPublicPlan(plan(['products'], ['products'], false))).toBe(false);
    expect(isPublicPlan(plan(['products'], [], false))).toBe(false);
    expect(isPublicPlan(undefined)).toBe(false);
  });

  test('a document selecting StoreStock anywhere (fragments too) is short-lived', () => {
    const schema = buildSchema(`type Query { sku: Sku } type Sku { code: String availability: StoreStock } type StoreStock { available: Int }`);
    expect(selectsShortLived(schema, parse('{ sku { code } }'))).toBe(false);
    expect(selectsShortLived(schema, parse('{ sku { availability { available } } }'))).toBe(true);
    expect(selectsShortLived(schema, parse('{ sku { ...F } } fragment F on Sku { availability { available } }'))).toBe(true);
  });
});

const PLAN: Facts = { reads: new Set(['products']), writes: new Set(), query: true, shortLived: false };
const ANSWER = { body: '{"data":{"sku":{"id":"s1"}}}\n', contentType: 'application/json; charset=utf-8', maxAgeS: 5 };

function miss(l: Lookup): Extract<Lookup, { kind: 'miss' }> {
  if (l.kind !== 'miss') throw new Error(`expected a miss, got ${l.kind}`);
  return l;
}

describe.each(['redis', 'memory'] as const)('ResponseCache on %s', (kind) => {
  let clock = Date.now();
  let store: ResponseCacheStore;
  let cache: ResponseCache;
  const prefix = `test-rc-unit-${crypto.randomBytes(4).toString('hex')}:`;
  const redis = kind === 'redis' ? createRedis(TEST_REDIS_URL, { name: 'test-response-cache' }) : undefined;
  beforeAll(async () => {
    if (redis) await firstReady(redis, 2000);
    store = redis ? redisResponseCacheStore(redis, prefix) : memoryResponseCacheStore({ now: () => clock });
    cache = new ResponseCache({ store, namespace: 'ns', ttlMs: 60_000, stockTtlMs: 5_000, now: () => clock });
  });
  afterAll(async () => {
    await cache.close();
    if (redis) await disconnectRedis(redis);
  });

  test('a kept answer is a hit until a domain it read is invalidated', async () => {
    const first = miss(await cache.lookup('k1'));
    await cache.remember('k1', first, PLAN, ANSWER);
    expect(await cache.lookup('k1')).toEqual({ kind: 'hit', body: ANSWER.body, contentType: ANSWER.contentType, maxAgeS: 5 });
    await cache.invalidate(['stores'], 'mutation');
    expect((await cache.lookup('k1')).kind).toBe('hit');
    await cache.invalidate(['products', 'members'], 'event');
    expect((await cache.lookup('k1')).kind).toBe('miss');
  });

  test('an answer computed while a write invalidated its domain is kept stale (generations read before)', async () => {
    const before = miss(await cache.lookup('k2'));
    await cache.invalidate(['products'], 'mutation'); // the write commits while the answer is being fetched
    await cache.remember('k2', before, PLAN, ANSWER);
    expect((await cache.lookup('k2')).kind).toBe('miss');
  });

  test('an entry lives its TTL (the stock TTL when it selects stock)', async () => {
    await cache.remember('k3', miss(await cache.lookup('k3')), PLAN, ANSWER);
    await cache.remember('k4', miss(await cache.lookup('k4')), { ...PLAN, shortLived: true }, ANSWER);
    clock += 4_000;
    expect((await cache.lookup('k4')).kind).toBe('hit');
    clock += 2_000;
    expect((await cache.lookup('k4')).kind).toBe('miss');
    expect((await cache.lookup('k3')).kind).toBe('hit');
    clock += 60_000;
    expect((await cache.lookup('k3')).kind).toBe('miss');
  });

  test('events older than any live entry invalidate nothing (a backlog replayed when the group is new)', () => {
    expect(cache.concerns(new Date(clock - 1_000).toISOString())).toBe(true);
    expect(cache.concerns(new Date(clock - 3_600_000).toISOString())).toBe(false);
    expect(cache.concerns('not a time')).toBe(true);
  });

  if (kind === 'redis') {
    test('a generation Redis lost is replaced by a new one, so entries recorded under the old never come back', async () => {
      await cache.remember('k5', miss(await cache.lookup('k5')), PLAN, ANSWER);
      const old = await redis!.get(`${prefix}gen:products`);
      await redis!.del(`${prefix}gen:products`);
      expect((await cache.lookup('k5')).kind).toBe('miss');
      const renewed = await redis!.get(`${prefix}gen:products`);
      expect(renewed).not.toBeNull();
      expect(renewed).not.toBe(old);
      expect((await cache.lookup('k5')).kind).toBe('miss');
    });

    test('Redis unreachable: reads go on without it (nothing served or kept); an invalidation fails, so its event is redelivered', async () => {
      const down = createRedis('redis://127.0.0.1:1', { name: 'test-response-cache-down', commandTimeoutMs: 250 });
      const broken = new ResponseCache({ store: redisResponseCacheStore(down, prefix), namespace: 'ns', ttlMs: 60_000, stockTtlMs: 5_000 });
      try {
        expect(await broken.lookup('k1')).toEqual({ kind: 'unavailable' });
        await expect(broken.remember('k6', { kind: 'miss', generations: new Map([['products', 'g']]) }, PLAN, ANSWER)).resolves.toBeUndefined();
        await expect(broken.invalidate(['products'], 'event')).rejects.toThrow();
      } finally {
        await disconnectRedis(down);
      }
    });
  } else {
    test('the memory store drops its oldest entries beyond its size', async () => {
      const small = memoryResponseCacheStore({ now: () => clock, maxChars: 100 });
      await small.write('a', 'x'.repeat(40), 60_000);
      await small.write('b', 'y'.repeat(40), 60_000);
      await small.write('c', 'z'.repeat(40), 60_000);
      expect((await small.read('a', [])).entry).toBeNull();
      expect((await small.read('b', [])).entry).toBe('y'.repeat(40));
      expect((await small.read('c', [])).entry).toBe('z'.repeat(40));
    });
  }
});
