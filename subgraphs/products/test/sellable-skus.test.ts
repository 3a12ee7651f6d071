// The internal sellableSkus query (orders prices its lines with it, docs/events.md): store price or list price,
// sellability, SERVICE callers only, one statement whatever the number of SKUs.
import { errorCodes, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { productsSubgraph } from '../src';
import { as } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(productsSubgraph);
});
afterAll(async () => {
  await h?.close();
});

const QUERY = `query($storeId: ID!, $skuIds: [ID!]!) { sellableSkus(storeId: $storeId, skuIds: $skuIds) {
  skuId brandId title sellable unitPrice { amount currency } } }`;

interface SellableSku {
  skuId: string;
  brandId: string;
  title: string;
  sellable: boolean;
  unitPrice: { amount: string; currency: string };
}

const STORE = 'store-lng-09';
/** 法式刺绣三角杯文胸, list price 329.00 (src/demo/data.ts). */
const WHITE_70B = 'sku-lng-br-2403-wh-70b';
const WHITE_75B = 'sku-lng-br-2403-wh-75b';
/** 蕾丝低腰三角裤: its product is a DRAFT, list price 69.00. */
const DRAFT_PRODUCT_SKU = 'sku-lng-pt-2403-bk-m';
const OTHER_BRAND_SKU = 'sku-csm-lp-2401-999';

const ask = async (skuIds: string[], storeId = STORE) => (await h.data<{ sellableSkus: SellableSku[] }>(as.service, QUERY, { storeId, skuIds })).sellableSkus;

describe('sellableSkus (internal)', () => {
  beforeAll(async () => {
    await h.db.query(`INSERT INTO products.store_price (store_id, sku_id, price_fen, currency) VALUES ($1, $2, 29950, 'CNY')`, [STORE, WHITE_70B]);
  });

  it('prices each SKU at the store: its own price when set, else the list price', async () => {
    expect(await ask([WHITE_75B, WHITE_70B])).toEqual([
      { skuId: WHITE_75B, brandId: 'brand-lng', title: '法式刺绣三角杯文胸 白色 75B', sellable: true, unitPrice: { amount: '329.00', currency: 'CNY' } },
      { skuId: WHITE_70B, brandId: 'brand-lng', title: '法式刺绣三角杯文胸 白色 70B', sellable: true, unitPrice: { amount: '299.50', currency: 'CNY' } },
    ]);
    // Another store of the brand has no own price: the list price.
    expect((await ask([WHITE_70B], 'store-lng-01'))[0]!.unitPrice).toEqual({ amount: '329.00', currency: 'CNY' });
  });

  it('says which are not sellable, leaves unknown ids out and answers each id once', async () => {
    const archived = 'sku-lng-br-2403-bk-80b';
    await h.db.query(`UPDATE products.sku SET status = 'ARCHIVED' WHERE id = $1`, [archived]);
    const out = await ask(['sku-nope', DRAFT_PRODUCT_SKU, OTHER_BRAND_SKU, archived, WHITE_75B, DRAFT_PRODUCT_SKU]);
    expect(out.map((s) => [s.skuId, s.brandId, s.sellable])).toEqual([
      [DRAFT_PRODUCT_SKU, 'brand-lng', false],
      [OTHER_BRAND_SKU, 'brand-csm', false],
      [archived, 'brand-lng', false],
      [WHITE_75B, 'brand-lng', true],
    ]);
    expect(out[0]!.unitPrice).toEqual({ amount: '69.00', currency: 'CNY' });
    // A store products does not know sells nothing.
    expect((await ask([WHITE_75B], 'store-nope')).map((s) => s.sellable)).toEqual([false]);
    expect(await ask([])).toEqual([]);
  });

  it('is for SERVICE callers only', async () => {
    const anonymous = await h.gql(as.anonymous, QUERY, { storeId: STORE, skuIds: [WHITE_70B] });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    const others: TestViewer[] = [as.platform, as.lngAdmin, as.lngFranchiseeA, { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: STORE }, as.lngGuide01, as.lngMember];
    for (const viewer of others) {
      const res = await h.gql(viewer, QUERY, { storeId: STORE, skuIds: [WHITE_70B] });
      expect([viewer.role, errorCodes(res)]).toEqual([viewer.role, ['FORBIDDEN']]);
    }
  });

  it('refuses more than 100 ids', async () => {
    const res = await h.gql(as.service, QUERY, { storeId: STORE, skuIds: Array.from({ length: 101 }, (_, i) => `sku-${i}`) });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('costs the same number of statements for 1 and for 20 SKUs', async () => {
    const ids = (await h.db.query<{ id: string }>(`SELECT id FROM products.sku WHERE brand_id = 'brand-lng' ORDER BY id LIMIT 20`)).map((r) => r.id);
    expect(ids).toHaveLength(20);
    const one = await h.countStatements<{ sellableSkus: SellableSku[] }>(as.service, QUERY, { storeId: STORE, skuIds: ids.slice(0, 1) });
    const twenty = await h.countStatements<{ sellableSkus: SellableSku[] }>(as.service, QUERY, { storeId: STORE, skuIds: ids });
    expect(one.res.data!.sellableSkus).toHaveLength(1);
    expect(twenty.res.data!.sellableSkus).toHaveLength(20);
    expect(one.statements).toBe(1);
    expect(twenty.statements).toBe(one.statements);
  });
});
