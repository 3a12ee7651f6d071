// Redis restarted EMPTY (no persistence) while stores keep changing: event consumption goes on without restarting
// any service. products' consumer group is gone with the old Redis (NOGROUP); it creates it again at the start of
// the fresh stream, so every event the outbox held back during the outage arrives, and events that were in the
// old stream but not yet read (products was paused) are published again by stores' transport. Every
// stores.store.changed event is applied exactly once, and products' store directory ends where stores is.
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
  t = await createTestDatabase('faults-redis-restart');
  graph = await startGraphProcesses({ databaseUrl: t.url, redisUrl: redis.url });
}, 120_000);
afterAll(async () => {
  const products = graph?.services.products?.proc;
  if (products?.pid !== undefined && alive(products)) products.kill('SIGCONT');
  await graph?.stop();
  await redis?.stop();
  await t?.drop();
}, 60_000);

const UPDATE = `mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { id } userErrors { code message } } }`;
const STORES = ['store-lng-03', 'store-lng-04', 'store-lng-06'];
const TOPIC = 'stores.store.changed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a Redis restart (empty) mid-load: every store change reaches products exactly once, no service restarted', async () => {
  const admin = await graph.token({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] });
  const update = (i: number): Promise<Sample> =>
    send(
      graph.gatewayUrl,
      {
        query: UPDATE,
        variables: { input: { storeId: STORES[i % STORES.length], name: `朗蜜 门店 #${i}`, pickupEnabled: i % 2 === 0, franchiseeId: i % 4 < 2 ? 'fr-lng-a' : 'fr-lng-b' } },
      },
      { authorization: `Bearer ${admin}` },
    );
  const outbox = async () => (await t.db.query<{ id: string; published: boolean }>(`SELECT id, published_at IS NOT NULL AS published FROM stores.outbox WHERE topic = $1`, [TOPIC]));
  const processed = async () =>
    (await t.db.query<{ event_id: string }>(`SELECT event_id FROM products.processed_events WHERE consumer_group = 'products' AND topic = $1`, [TOPIC])).map((r) => r.event_id);

  const load = startLoad(2, (i) => update(i));
  await waitUntil(async () => count(load.samples, 'ok') >= 10 && (await processed()).length >= 5, 20_000, 'store changes applied before the fault');

  // products pauses (a GC pause, a slow node): the events published now sit in the stream, unread, when Redis dies.
  const products = graph.services.products!;
  products.proc.kill('SIGSTOP');
  const publishedAtPause = (await outbox()).filter((r) => r.published).length;
  await waitUntil(async () => (await outbox()).filter((r) => r.published).length >= publishedAtPause + 3, 10_000, 'events in the stream while products is paused');
  await redis.kill();
  const killedAt = Date.now();
  await sleep(2000); // writes go on: their events wait in the outbox
  await redis.start();
  products.proc.kill('SIGCONT');
  const backAt = Date.now();
  await waitUntil(() => load.samples.filter((s) => s.at > backAt + 3000).length >= 5, 15_000, 'writes after Redis is back');
  const samples = await load.stop();
  // The last word on store-lng-04: handed to fr-lng-b.
  const final = await send(graph.gatewayUrl, { query: UPDATE, variables: { input: { storeId: 'store-lng-04', franchiseeId: 'fr-lng-b', name: '朗蜜 杭州西溪印象城店' } } }, { authorization: `Bearer ${admin}` });
  expect(final.outcome).toBe('ok');

  // Every event, published before, during and after the outage, is applied by products.
  await waitUntil(
    async () => {
      const ids = await outbox();
      const done = new Set(await processed());
      return ids.every((r) => r.published && done.has(r.id));
    },
    20_000,
    'products to apply every stores.store.changed event',
  );
  const ids = (await outbox()).map((r) => r.id);
  const applied = await processed();
  expect(applied.length).toBe(ids.length); // once each (processed_events is unique per group and event)
  expect(new Set(applied)).toEqual(new Set(ids));

  // products' directory ends where stores is: the operator and the time of each store's last change.
  const stores = await t.db.query<{ id: string; franchisee_id: string; updated_at: Date }>(`SELECT id, franchisee_id, updated_at FROM stores.store WHERE id = ANY($1) ORDER BY id`, [STORES]);
  const directory = await t.db.query<{ id: string; franchisee_id: string; updated_at: Date }>(
    `SELECT store_id AS id, franchisee_id, updated_at FROM products.store_directory WHERE store_id = ANY($1) ORDER BY store_id`,
    [STORES],
  );
  expect(directory).toEqual(stores);
  expect(directory.find((d) => d.id === 'store-lng-04')?.franchisee_id).toBe('fr-lng-b');

  // Writes never needed Redis: none failed, before, during or after the outage.
  expect(samples.filter((s) => s.outcome !== 'ok').map((s) => ({ at: s.at - killedAt, status: s.status, codes: s.codes }))).toEqual([]);
  expect(samples.filter((s) => s.at > killedAt && s.at < backAt).length).toBeGreaterThan(0);
  // No service was restarted.
  // A dead service shows the end of its output (why it died) instead of `true`.
  for (const s of Object.values(graph.services)) expect([s.name, alive(s.proc) || s.output.slice(-3000)]).toEqual([s.name, true]);
  // ...and none survived a promise that failed with nobody awaiting it (watchProcessFaults logs each).
  for (const s of Object.values(graph.services)) expect([s.name, graph.logLines(s.name, /nobody awaiting it/)]).toEqual([s.name, []]);
  // The consumer said what happened in a line or two, not twice a second.
  expect(graph.logLines('products', /event handler failed/)).toEqual([]);
  expect(graph.logLines('products', /event consumer (still )?cannot make progress/).length).toBeLessThanOrEqual(2);
  expect(graph.logLines('products', /consumer group was missing/).length).toBe(1);
  expect(graph.logLines('stores', /redis restarted: publishing again/).length).toBe(1);
  for (const s of Object.values(graph.services)) expect([s.name, s.output.includes('Unhandled error event')]).toEqual([s.name, false]);
}, 90_000);
