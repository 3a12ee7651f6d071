// Redis down for 10 s under anonymous reads of the public graph: Redis is an accelerator, not a single point of
// failure. The gateway's rate limiter falls back to in-process limits (logged once), every read answers 200 with
// data and quickly, no service restarts, and once Redis is back (empty) events flow again.
import { createTestDatabase, type TestDatabase } from '@retail/platform/testing';
import { alive, startGraphProcesses, type GraphProcesses } from './support/graph-processes';
import { count, send, startLoad, type Sample } from './support/load';
import { waitUntil } from './support/ports';
import { startTestRedis, type TestRedis } from './support/redis';

let redis: TestRedis;
let t: TestDatabase;
let graph: GraphProcesses;

beforeAll(async () => {
  redis = await startTestRedis();
  t = await createTestDatabase('faults-redis-outage');
  graph = await startGraphProcesses({ databaseUrl: t.url, redisUrl: redis.url });
}, 120_000);
afterAll(async () => {
  await graph?.stop();
  await redis?.stop();
  await t?.drop();
}, 60_000);

const READS = [
  `{ stores(first: 5, filter: { brandId: "brand-lng" }) { edges { node { id name } } } }`,
  `{ products(filter: { brandId: "brand-lng", category: "内衣", query: "文胸" }, first: 10) { totalCount edges { node { title } } } }`,
];
// Long enough for about ten reconnect attempts of every client (their backoff tops out at 1 s,
// REDIS_CLIENT_OPTIONS in platform/src/redis.ts): each outage must still be logged once, not once per attempt.
const OUTAGE_MS = 10_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

test('Redis down 10 s: every anonymous read answers 200 with data, quickly; events flow again afterwards', async () => {
  const load = startLoad(2, (i) => send(graph.gatewayUrl, { query: READS[i % READS.length] }, {}, 10_000), 60_000);
  await waitUntil(() => count(load.samples, 'ok') >= 20, 15_000, 'reads before the outage');
  await redis.kill();
  const downAt = Date.now();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await redis.start();
  const upAt = Date.now();
  await waitUntil(() => load.samples.filter((s) => s.at > upAt + 1000).length >= 20, 15_000, 'reads after the outage');
  const samples = await load.stop();

  const during = samples.filter((s) => s.at >= downAt && s.at < upAt);
  const latencies = during.map((s) => s.ms);
  const summary = { reads: samples.length, duringOutage: during.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
  process.stdout.write(`redis outage: ${JSON.stringify(summary)}\n`);
  const bad = (s: Sample) => s.status !== 200 || s.outcome !== 'ok' || !(s.body as { data?: unknown }).data;
  expect(samples.filter(bad).map((s) => ({ at: s.at - downAt, status: s.status, codes: s.codes, ms: s.ms }))).toEqual([]);
  expect(during.length).toBeGreaterThan(50);
  expect(summary.p99).toBeLessThan(2000);
  // A dead service shows the end of its output (why it died) instead of `true`.
  for (const s of Object.values(graph.services)) expect([s.name, alive(s.proc) || s.output.slice(-3000)]).toEqual([s.name, true]);
  // ...and none survived a promise that failed with nobody awaiting it (watchProcessFaults logs each).
  for (const s of Object.values(graph.services)) expect([s.name, graph.logLines(s.name, /nobody awaiting it/)]).toEqual([s.name, []]);

  // Said once, with the cause, and once when it was over: no trace per reconnect attempt.
  expect(graph.logLines('gateway', /rate limits and caches fall back to in-process/)).toHaveLength(1);
  expect(graph.logLines('gateway', /rate limits and caches back on redis/)).toHaveLength(1);
  // Once per Redis connection of the gateway (rate limits; the response cache and its event consumers), with the cause:
  // how a killed server shows up depends on whether a write raced the close (EPIPE) or a read saw it (ECONNRESET).
  const lost = graph.logLines('gateway', /redis connection lost/);
  expect(lost.filter((l) => l.client === 'keyvalue').map((l) => String(l.cause))).toEqual([expect.stringMatching(/ECONNRESET|ECONNREFUSED|EPIPE|closed/)]);
  expect(new Set(lost.map((l) => l.client)).size).toBe(lost.length);
  for (const s of Object.values(graph.services)) expect([s.name, s.output.includes('Unhandled error event')]).toEqual([s.name, false]);
  // products' consumer logs its recovery at its first fetch after reconnecting (backoff up to 1 s), which may come
  // after the reads above: wait for the line, then count.
  await waitUntil(() => graph.logLines('products', /event consumer making progress again/).length > 0, 10_000, "products' consumer to make progress again");
  expect(graph.logLines('products', /event consumer (still )?cannot make progress/)).toHaveLength(1);
  expect(graph.logLines('products', /event consumer making progress again/)).toHaveLength(1);

  // Redis came back empty: a store handed over now still reaches products' directory.
  const admin = await graph.token({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] });
  const moved = await send(
    graph.gatewayUrl,
    { query: `mutation { updateStore(input: { storeId: "store-lng-05", franchiseeId: "fr-lng-a" }) { userErrors { code } } }` },
    { authorization: `Bearer ${admin}` },
  );
  expect(moved.outcome).toBe('ok');
  await waitUntil(
    async () => (await t.db.query<{ f: string }>(`SELECT franchisee_id AS f FROM products.store_directory WHERE store_id = 'store-lng-05'`))[0]?.f === 'fr-lng-a',
    10_000,
    'the store change to reach products',
  );
}, 90_000);
