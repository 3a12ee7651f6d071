// Writes that cross subgraphs travel as events (docs/architecture.md §6): a store handed to another operator in
// `stores` reaches `products` through the outbox, the relay, Redis Streams and a deduplicating consumer,
// so the new operator sees the store's stock levels and the old one no longer does.
import { eventApplyLag } from '@retail/platform';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  // leave no streams behind on the shared Redis
  await graph.close();
});

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('moving a store to another operator moves who sees its stock levels', async () => {
  const admin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] });
  const franchiseeA = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  const franchiseeB = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' });
  const stock = `{ store(id: "store-lng-04") { stock(skuIds: ["sku-lng-br-2401-bk-75b"]) { available onHand } } }`;
  const onHand = async (token: string) => ((await graph.query<{ store: { stock: { onHand: number | null }[] } }>(stock, {}, token)).data!.store.stock[0]!.onHand);

  expect(await onHand(franchiseeA)).not.toBeNull();
  expect(await onHand(franchiseeB)).toBeNull();

  const moved = await graph.query<{ updateStore: { store: { franchisee: { id: string } }; userErrors: unknown[] } }>(
    `mutation { updateStore(input: { storeId: "store-lng-04", franchiseeId: "fr-lng-b" }) { store { franchisee { id } } userErrors { code message } } }`,
    {},
    admin,
  );
  expect(moved.data!.updateStore.userErrors).toEqual([]);
  expect(moved.data!.updateStore.store.franchisee.id).toBe('fr-lng-b');

  expect(await eventually(() => onHand(franchiseeB), (v) => v !== null)).not.toBeNull();
  expect(await onHand(franchiseeA)).toBeNull();
  // applied exactly once, recorded for dedupe
  const processed = await graph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM products.processed_events WHERE consumer_group = 'products'`);
  expect(processed[0]!.n).toBeGreaterThanOrEqual(1);
  const published = await graph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stores.outbox WHERE published_at IS NULL`);
  expect(published[0]!.n).toBe(0);
  // reads may lag behind the handover; how much is measured for every consumer group and topic
  const lag = (await eventApplyLag.get()).values.find((v) => v.metricName === 'event_apply_lag_seconds_count' && v.labels.topic === 'stores.store.changed' && v.labels.group === 'products');
  expect(lag?.value).toBeGreaterThanOrEqual(1);
});

test("the old operator's writes are refused as soon as the handover returns, before the event arrives", async () => {
  const admin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] });
  const franchiseeA = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  const franchiseeB = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' });
  const setPrice = (token: string, amount: string) =>
    graph.query<{ setStorePrice: { userErrors: { code: string }[] } }>(
      `mutation { setStorePrice(input: { storeId: "store-lng-03", skuId: "sku-lng-br-2401-bk-75b", price: { amount: "${amount}", currency: "CNY" } }) { userErrors { code } } }`,
      {},
      token,
    );
  const adjust = (token: string, key: string) =>
    graph.query<{ adjustStock: { userErrors: { code: string }[] } }>(
      `mutation { adjustStock(input: { idempotencyKey: "${key}", storeId: "store-lng-03", skuId: "sku-lng-br-2401-bk-75b", delta: 1, reason: RECEIVED }) { userErrors { code } } }`,
      {},
      token,
    );
  expect((await setPrice(franchiseeA, '211')).data!.setStorePrice.userErrors).toEqual([]);
  // Hold products' view of the store back, as a stalled event delivery would: the directory still names A.
  await graph.db.query(`UPDATE products.store_directory SET updated_at = now() + interval '1 hour' WHERE store_id = 'store-lng-03'`);
  const moved = await graph.query<{ updateStore: { userErrors: unknown[] } }>(
    `mutation { updateStore(input: { storeId: "store-lng-03", franchiseeId: "fr-lng-b" }) { userErrors { code } } }`,
    {},
    admin,
  );
  expect(moved.data!.updateStore.userErrors).toEqual([]);
  expect((await setPrice(franchiseeA, '1')).data!.setStorePrice.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
  expect((await adjust(franchiseeA, 'handover-a')).data!.adjustStock.userErrors).toEqual([{ code: 'FORBIDDEN' }]);
  expect((await setPrice(franchiseeB, '212')).data!.setStorePrice.userErrors).toEqual([]);
  expect((await adjust(franchiseeB, 'handover-b')).data!.adjustStock.userErrors).toEqual([]);
});

test('a store handover and guides hired or leaving reach members through the same events', async () => {
  const admin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] });
  const franchiseeA = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  const franchiseeB = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' });
  // store-lng-04 went from fr-lng-a to fr-lng-b in the first test: its members follow, as its stock did.
  const membersOf04 = async (token: string) =>
    (await graph.query<{ store: { members: { totalCount: number } | null } }>(`{ store(id: "store-lng-04") { members { totalCount } } }`, {}, token)).data!.store.members;
  expect(await eventually(() => membersOf04(franchiseeB), (v) => v !== null)).toEqual({ totalCount: expect.any(Number) });
  expect((await membersOf04(franchiseeB))!.totalCount).toBeGreaterThan(0);
  expect(await membersOf04(franchiseeA)).toBeNull();

  const register = async (guideId: string, externalId: string) =>
    (
      await graph.query<{ registerMember: { member: { guide: { id: string } } | null; userErrors: { code: string }[] } }>(
        `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { guide { id } } userErrors { code } } }`,
        { input: { brandId: 'brand-lng', phone: `1360000${externalId.slice(-4)}`, identity: { channel: 'WECOM', appId: 'ww1a2b3c4d5e6f7a80', externalId }, guideId } },
        admin,
      )
    ).data!.registerMember;
  const hired = await graph.query<{ createGuide: { guide: { id: string } } }>(`mutation { createGuide(input: { storeId: "store-lng-09", name: "新导购" }) { guide { id } } }`, {}, admin);
  const guideId = hired.data!.createGuide.guide.id;
  // Each attempt is another person joining through the guide (a retry of one join would return its member).
  let person = 0;
  const newcomer = () => register(guideId, `wm-events-${String(++person).padStart(4, '0')}`);
  const joined = await eventually(newcomer, (r) => r.userErrors.length === 0);
  expect(joined.member!.guide.id).toBe(guideId);
  await graph.query(`mutation($g: ID!) { markGuideLeft(input: { guideId: $g }) { userErrors { code } } }`, { g: guideId }, admin);
  const refused = await eventually(newcomer, (r) => r.userErrors.length > 0);
  expect(refused.userErrors).toEqual([{ code: 'GUIDE_NOT_ACTIVE' }]);
});
