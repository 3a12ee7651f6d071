import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { seedStores } from '../src/demo';
import { storesSubgraph } from '../src';
import { CALLERS } from './callers';

// The default `npm start` mode: one PGlite behind pglite-socket, shared by every service.
describe('on the embedded database', () => {
  let h: SubgraphHarness;
  beforeAll(async () => {
    h = await startSubgraphForTest(storesSubgraph, { database: await createTestEmbedded('stores') });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  test('the seeded demo data answers queries and a mutation commits', async () => {
    await seedStores(h.db); // seeding twice changes nothing
    const d = await h.data<{ stores: { totalCount: number }; store: { name: string; guides: { totalCount: number } } }>(
      CALLERS.lngAdmin,
      `{ stores { totalCount } store(id: "store-lng-01") { name guides { totalCount } } }`,
    );
    expect(d).toEqual({ stores: { totalCount: 11 }, store: { name: '朗蜜 上海久光百货店', guides: { totalCount: 4 } } });
    const p = await h.data<{ setStoreOpeningHours: { userErrors: unknown[]; store: { openingHours: unknown[] } } }>(
      CALLERS.lngAdmin,
      `mutation { setStoreOpeningHours(input: { storeId: "store-lng-01", openingHours: [{ dayOfWeek: MONDAY, opens: "10:00", closes: "22:00" }] }) { userErrors { code } store { openingHours { opens } } } }`,
    );
    expect(p.setStoreOpeningHours).toEqual({ userErrors: [], store: { openingHours: [{ opens: '10:00' }] } });
  });
});
