import { DEMO_GUIDES, DEMO_STORES } from '../src/demo/data';
import { seedStores } from '../src/demo';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { storesSubgraph } from '../src';


let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(storesSubgraph);
});
afterAll(async () => {
  await h.close();
});

const count = async (table: string) => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stores.${table}`))[0]!.n;

test('the demo data has the ids other seeds rely on', () => {
  const ids = DEMO_STORES.map((s) => s.id);
  for (let i = 1; i <= 11; i++) expect(ids).toContain(`store-lng-${String(i).padStart(2, '0')}`);
  for (let i = 1; i <= 10; i++) expect(ids).toContain(`store-csm-${String(i).padStart(2, '0')}`);
  expect(DEMO_GUIDES.filter((g) => g.storeId === 'store-lng-01').map((g) => g.id)).toContain('gd-lng-01-1');
});

test('seeding again keeps what exists, including a user’s changes', async () => {
  const before = await Promise.all(['brand', 'franchisee', 'store', 'opening_hours', 'guide'].map(count));
  expect(before).toEqual([2, 8, 21, expect.any(Number), DEMO_GUIDES.length]);
  await h.db.query(`UPDATE stores.store SET name = 'renamed' WHERE id = 'store-lng-01'`);
  await h.db.query(`DELETE FROM stores.opening_hours WHERE store_id = 'store-lng-02' AND day_of_week <> 1`);
  const hours02 = await count('opening_hours');
  await seedStores(h.db);
  expect(await Promise.all(['brand', 'franchisee', 'store', 'opening_hours', 'guide'].map(count))).toEqual([...before.slice(0, 3), hours02, before[4]]);
  expect((await h.db.query<{ name: string }>(`SELECT name FROM stores.store WHERE id = 'store-lng-01'`))[0]?.name).toBe('renamed');
});
