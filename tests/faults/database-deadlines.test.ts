// Deadlines that agree (docs/architecture.md §3): a subgraph's database work stops a little before the gateway's
// per-call deadline (DB_STATEMENT_TIMEOUT_MS 4500 < SUBGRAPH_TIMEOUT_MS 5000), so a write stuck behind a lock
// comes back as the subgraph's own retryable SERVICE_UNAVAILABLE (HTTP 503) in time, and never commits after the
// gateway gave up. /readyz answers within a second whatever the pool does, and the gateway's /readyz follows
// its subgraphs.
import pg from 'pg';
import { SUBGRAPHS } from '@retail/graph';
import { createTestDatabase, type TestDatabase } from '@retail/platform/testing';
import { startGraphProcesses, type GraphProcesses } from './support/graph-processes';
import { send, type Sample } from './support/load';
import { waitUntil } from './support/ports';

let database: TestDatabase;
let graph: GraphProcesses;

beforeAll(async () => {
  database = await createTestDatabase('faults-deadlines');
  graph = await startGraphProcesses({ databaseUrl: database.url });
}, 120_000);
afterAll(async () => {
  await graph?.stop();
  await database?.drop();
}, 60_000);

const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand } userErrors { code } } }`;
const TARGET = { storeId: 'store-lng-02', skuId: 'sku-lng-br-2401-bk-75b' };
const AVAILABILITY = `query($sku: ID!, $store: ID!) { sku(id: $sku) { code availability(storeId: $store) { available } } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds `LOCK TABLE products.stock IN ACCESS EXCLUSIVE MODE` in a transaction of the test's own until release(). */
async function lockStockTable() {
  const holder = new pg.Client({ connectionString: database.url });
  holder.on('error', () => undefined); // dropped with the test database if a test fails while holding it
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE products.stock IN ACCESS EXCLUSIVE MODE');
  let released: Promise<void> | undefined;
  return {
    lockedAt: Date.now(),
    release() {
      released ??= holder.query('ROLLBACK').then(() => holder.end());
      return released;
    },
  };
}

const onHand = async () =>
  (await database.db.query<{ n: number }>(`SELECT on_hand AS n FROM products.stock WHERE store_id = $1 AND sku_id = $2`, [TARGET.storeId, TARGET.skuId]))[0]?.n;

async function readyz(url: string): Promise<{ status: number; ms: number; body: { status?: string; checks?: Record<string, string> } }> {
  const started = Date.now();
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status?: string; checks?: Record<string, string> };
  return { status: res.status, ms: Date.now() - started, body };
}

const retryable = (s: Sample) => ((s.body as { errors?: { extensions?: { retryable?: unknown } }[] }).errors ?? []).map((e) => e.extensions?.retryable);

test('a locked table: each write is refused (SERVICE_UNAVAILABLE, retryable, 503) before the gateway deadline, and none commits after the lock is gone', async () => {
  const admin = await graph.token({ role: 'PLATFORM_ADMIN' });
  const before = await onHand();
  const write = (key: string) =>
    send(graph.gatewayUrl, { query: ADJUST, variables: { input: { ...TARGET, idempotencyKey: key, delta: 1, reason: 'RECEIVED' } } }, { authorization: `Bearer ${admin}` });

  const lock = await lockStockTable();
  const released = sleep(8000).then(() => lock.release());
  let samples: Sample[];
  try {
    // Two waves, the second 3 s into the 8 s lock: without deadlines both would wait on the lock and commit the
    // moment it is released, after the gateway (5 s) had told their clients they failed.
    const wave1 = Promise.all([0, 1, 2].map((i) => write(`locked-${i}`)));
    await sleep(3000);
    const wave2 = Promise.all([3, 4, 5].map((i) => write(`locked-${i}`)));
    samples = [...(await wave1), ...(await wave2)];
  } finally {
    await released;
  }
  await sleep(1500); // a write still waiting on the lock would commit now

  console.log(`locked table: ${JSON.stringify(samples.map((s) => ({ ms: s.ms, status: s.status, codes: s.codes })))}`);
  // Nothing the clients were told failed was committed later.
  const stored = await database.db.query<{ key: string }>(`SELECT key FROM products.idempotency_keys WHERE operation = 'adjustStock' AND key LIKE 'locked-%'`);
  expect(stored).toEqual([]);
  expect(await onHand()).toBe(before);
  for (const s of samples) {
    expect([s.status, s.codes, retryable(s)]).toEqual([503, ['SERVICE_UNAVAILABLE'], [true]]);
    expect((s.body as { errors: { extensions: { serviceName?: string } }[] }).errors[0]!.extensions.serviceName).toBe('products');
    // products' own answer (not SUBGRAPH_UNAVAILABLE: it came before the gateway's 5 s deadline), not a hang
    expect(s.ms).toBeLessThan(5500);
  }

  // Logged once, as JSON, when statements began to time out; no masked internal error, no line per write.
  expect(graph.logLines('products', /^database statements time out$/)).toHaveLength(1);
  expect(graph.logLines('products', /internal error/)).toEqual([]);

  // The same key works once the lock is gone: the refusal really was retryable.
  const retried = await write('locked-0');
  expect([retried.status, retried.codes]).toEqual([200, []]);
  expect(await onHand()).toBe((before ?? 0) + 1);
}, 30_000);

test('an exhausted pool: products answers /readyz with 503 within a second, naming the pool, and is ready again after', async () => {
  const lock = await lockStockTable();
  const products = graph.services.products!;
  let reads: Promise<Sample[]>;
  let notReady: Awaited<ReturnType<typeof readyz>>;
  let gatewayNotReady: Awaited<ReturnType<typeof readyz>>;
  try {
    // More reads waiting on the lock than products has connections (DB_POOL_MAX 10): the pool is exhausted.
    // Each read asks under an alias of its own: the gateway shares identical in-flight subgraph queries (coalescing;
    // operation names are not sent to subgraphs), and these must each hold a connection of their own.
    reads = Promise.all(
      Array.from({ length: 14 }, (_, i) => send(graph.gatewayUrl, { query: AVAILABILITY.replace('sku(id:', `read${i}: sku(id:`), variables: { sku: TARGET.skuId, store: TARGET.storeId } })),
    );
    await waitUntil(
      async () => (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0]!.n >= 10,
      10_000,
      'products connections waiting on the lock',
    );
    notReady = await readyz(products.url);
    gatewayNotReady = await readyz(graph.gatewayUrl.replace(/\/graphql$/, ''));
  } finally {
    await lock.release();
  }
  const answered = await reads;
  console.log(`exhausted pool: products /readyz ${notReady.status} in ${notReady.ms} ms ${JSON.stringify(notReady.body.checks)}; gateway /readyz ${gatewayNotReady.status} in ${gatewayNotReady.ms} ms`);

  expect(notReady.status).toBe(503);
  expect(notReady.ms).toBeLessThan(1000);
  expect(notReady.body.checks?.database).toMatch(/^no free database connection within \d+ ms \(10 of 10 in use, \d+ waiting\)$/);
  expect(gatewayNotReady.status).toBe(503);
  expect(gatewayNotReady.ms).toBeLessThan(1000);
  expect(gatewayNotReady.body.checks?.['subgraph:products']).toMatch(/^products: not ready \(HTTP 503; failing: database\)$/);
  // The reads waited at most their budget; none hung, none was masked.
  expect(answered.filter((s) => s.outcome === 'cut' || s.codes.includes('INTERNAL_SERVER_ERROR'))).toEqual([]);

  await waitUntil(async () => (await readyz(products.url)).status === 200, 10_000, 'products ready again');
}, 30_000);

test('a subgraph down: the gateway answers /readyz with 503 naming it, and 200 once it is back', async () => {
  const gateway = graph.gatewayUrl.replace(/\/graphql$/, '');
  await waitUntil(async () => (await readyz(gateway)).status === 200, 10_000, 'the gateway ready');
  await graph.signal('products', 'SIGKILL');
  // The gateway reuses a subgraph's answer for about a second.
  await sleep(1100);
  const down = await readyz(gateway);
  console.log(`subgraph down: gateway /readyz ${down.status} in ${down.ms} ms ${JSON.stringify(down.body.checks)}`);
  expect(down.status).toBe(503);
  expect(down.ms).toBeLessThan(1000);
  expect(down.body.checks).toEqual(Object.fromEntries(SUBGRAPHS.map((s) => [`subgraph:${s.name}`, s.name === 'products' ? 'products: unreachable' : 'ok'])));

  await graph.start('products');
  await waitUntil(async () => (await readyz(gateway)).status === 200, 10_000, 'the gateway ready again');
}, 30_000);
