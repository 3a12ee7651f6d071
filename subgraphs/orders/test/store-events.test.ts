import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { ordersSubgraph } from '../src';
import { applyStoreChanged } from '../src/events/consumes';
import { GUIDE_DIRECTORY } from '../src/repo/guide-directory';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(ordersSubgraph, { seed: false });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const profile = async (id: string) =>
  (await h.db.query(`SELECT s.pickup_enabled AS "pickupEnabled", s.status, s.timezone, s.opening_hours AS "openingHours", d.franchisee_id AS "franchiseeId"
                       FROM orders.store_profile s JOIN orders.store_directory d ON d.store_id = s.store_id WHERE s.store_id = $1`, [id]))[0];

describe("orders' copies of the stores subgraph's facts", () => {
  const hours = [{ dayOfWeek: 'MONDAY', opens: '10:00', closes: '22:00' }];

  it('keeps what pickup needs and the operator from stores.store.changed; an older event changes nothing', async () => {
    await h.db.transaction((tx) =>
      applyStoreChanged(tx, { id: 'store-x', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', pickupEnabled: true, status: 'OPEN', openingHours: hours, updatedAt: '2024-12-01T00:00:00Z' }),
    );
    expect(await profile('store-x')).toEqual({ pickupEnabled: true, status: 'OPEN', timezone: 'Asia/Shanghai', openingHours: hours, franchiseeId: 'fr-lng-a' });
    await h.db.transaction((tx) =>
      applyStoreChanged(tx, { id: 'store-x', brandId: 'brand-lng', franchiseeId: 'fr-lng-b', pickupEnabled: false, status: 'CLOSED', openingHours: [], timezone: 'Asia/Urumqi', updatedAt: '2024-12-02T00:00:00Z' }),
    );
    expect(await profile('store-x')).toEqual({ pickupEnabled: false, status: 'CLOSED', timezone: 'Asia/Urumqi', openingHours: [], franchiseeId: 'fr-lng-b' });
    await h.db.transaction((tx) =>
      applyStoreChanged(tx, { id: 'store-x', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', pickupEnabled: true, status: 'OPEN', openingHours: hours, updatedAt: '2024-11-30T00:00:00Z' }),
    );
    expect(await profile('store-x')).toMatchObject({ pickupEnabled: false, status: 'CLOSED', franchiseeId: 'fr-lng-b' });
  });

  it('keeps guides from stores.guide.changed; a guide who LEFT stays LEFT; a payload without what it needs is refused', async () => {
    const guide = async () => (await h.db.query(`SELECT brand_id AS "brandId", store_id AS "storeId", status FROM orders.guide_directory WHERE guide_id = 'gd-x'`))[0];
    await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id: 'gd-x', brandId: 'brand-lng', storeId: 'store-x', status: 'ACTIVE' }));
    await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id: 'gd-x', brandId: 'brand-lng', storeId: 'store-x', status: 'LEFT' }));
    await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id: 'gd-x', brandId: 'brand-lng', storeId: 'store-x', status: 'ACTIVE' }));
    expect(await guide()).toEqual({ brandId: 'brand-lng', storeId: 'store-x', status: 'LEFT' });
    await expect(h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id: 'gd-y', brandId: 'brand-lng' }))).rejects.toThrow(/payload needs/);
  });
});
