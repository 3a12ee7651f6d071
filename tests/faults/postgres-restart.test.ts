// PostgreSQL restarted under a write load: no service needs a restart, and what clients were told is what
// the database holds — every write a client saw succeed is committed, every write it saw fail is not.
import { Client as PgClient } from 'pg';
import { Database } from '@retail/platform';
import { alive, startGraphProcesses, type GraphProcesses } from './support/graph-processes';
import { count, send, startLoad } from './support/load';
import { startTestPostgres, type TestPostgres } from './support/postgres';
import { waitUntil } from './support/ports';

let pg: TestPostgres;
let graph: GraphProcesses;
let db: Database;

beforeAll(async () => {
  pg = await startTestPostgres();
  graph = await startGraphProcesses({ databaseUrl: pg.url });
  db = new Database({ url: pg.url, service: 'faults-check', max: 2 });
}, 120_000);
afterAll(async () => {
  await db?.close();
  await graph?.stop();
  pg?.stop();
}, 60_000);

const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand } userErrors { code } } }`;
const TARGET = { storeId: 'store-lng-02', skuId: 'sku-lng-br-2401-bk-75b' };

test('a restart mid-load loses no acknowledged write and commits no refused one', async () => {
  const admin = await graph.token({ role: 'PLATFORM_ADMIN' });
  const onHand = async () => (await db.query<{ n: number }>(`SELECT on_hand AS n FROM products.stock WHERE store_id = $1 AND sku_id = $2`, [TARGET.storeId, TARGET.skuId]).catch(() => []))[0]?.n ?? 0;
  const before = await onHand();
  const keys: { key: string; acknowledged: boolean }[] = [];
  const load = startLoad(4, async (i) => {
    const key = `pg-restart-${i}`;
    const s = await send(graph.gatewayUrl, { query: ADJUST, variables: { input: { ...TARGET, idempotencyKey: key, delta: 1, reason: 'RECEIVED' } } }, { authorization: `Bearer ${admin}` });
    const payload = (s.body as { data?: { adjustStock?: { userErrors: unknown[]; stock: unknown } | null } } | undefined)?.data?.adjustStock;
    keys.push({ key, acknowledged: s.outcome === 'ok' && !!payload?.stock && payload.userErrors.length === 0 });
    return s;
  });
  await waitUntil(() => count(load.samples, 'ok') >= 20, 30_000, 'writes before the restart');
  // Writes in flight when the restart cuts their connections: the row they change is locked for a moment, so
  // every worker's write is inside products' transaction, waiting, when the server goes away.
  const holder = new PgClient({ connectionString: pg.url });
  holder.on('error', () => undefined); // the restart ends its session too
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query(`SELECT on_hand FROM products.stock WHERE store_id = $1 AND sku_id = $2 FOR UPDATE`, [TARGET.storeId, TARGET.skuId]);
  await waitUntil(
    async () => (await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)).rows[0]!.n >= 4,
    10_000,
    'every worker\'s write waiting on the row',
  );
  pg.restart();
  void holder.end().catch(() => undefined);
  const restartedAt = Date.now();
  await waitUntil(() => load.samples.some((s) => s.at > restartedAt + 500 && s.outcome === 'ok'), 30_000, 'writes after the restart');
  await new Promise((r) => setTimeout(r, 1000));
  const samples = await load.stop();

  // No process died or was restarted: the same processes answer.
  // A dead service shows the end of its output (why it died) instead of `true`.
  for (const s of Object.values(graph.services)) expect([s.name, alive(s.proc) || s.output.slice(-3000)]).toEqual([s.name, true]);
  // ...and none survived a promise that failed with nobody awaiting it (watchProcessFaults logs each).
  for (const s of Object.values(graph.services)) expect([s.name, graph.logLines(s.name, /nobody awaiting it/)]).toEqual([s.name, []]);
  expect(samples.filter((s) => s.outcome === 'cut')).toEqual([]);
  const stored = new Set((await db.query<{ key: string }>(`SELECT key FROM products.idempotency_keys WHERE operation = 'adjustStock' AND key LIKE 'pg-restart-%'`)).map((r) => r.key));
  const acknowledged = keys.filter((k) => k.acknowledged).map((k) => k.key);
  const refused = keys.filter((k) => !k.acknowledged).map((k) => k.key);
  expect(acknowledged.filter((k) => !stored.has(k))).toEqual([]);
  expect(refused.filter((k) => stored.has(k))).toEqual([]);
  expect(await onHand()).toBe(before + acknowledged.length);
  expect(acknowledged.length).toBeGreaterThan(20);

  // What the writes that failed told their clients: the database is unavailable, try again (with the same key),
  // as HTTP 503; never a masked INTERNAL_SERVER_ERROR, never the gateway giving up on products.
  const failed = samples.filter((s) => s.outcome !== 'ok');
  console.log(`postgres restart: ${samples.length} writes, ${failed.length} failed: ${JSON.stringify(failed.map((s) => [s.status, s.codes.join(','), s.ms]))}`);
  expect(failed.length).toBeGreaterThan(0);
  const retryable = (s: (typeof samples)[number]) => ((s.body as { errors?: { extensions?: { retryable?: unknown } }[] }).errors ?? []).map((e) => e.extensions?.retryable);
  expect(failed.filter((s) => s.status !== 503 || s.codes.length === 0 || s.codes.some((c) => c !== 'SERVICE_UNAVAILABLE') || retryable(s).some((r) => r !== true))).toEqual([]);
  // The outage is logged once as it starts and once as it ends (JSON lines), not once per failed query.
  expect(graph.logLines('products', /internal error/)).toEqual([]);
  // A straggler of the restart (a statement answered as the server shut down, a connect sent while it started)
  // is no second outage. A failure here prints the lines, with their causes.
  const outageLines = graph.logLines('products', /^database (unreachable|reachable again)$/);
  expect(outageLines).toEqual([expect.objectContaining({ msg: 'database unreachable' }), expect.objectContaining({ msg: 'database reachable again' })]);
}, 120_000);
