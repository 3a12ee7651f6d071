import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { productsSubgraph, seedProducts } from '../src';
import { DEMO_PRODUCTS } from '../src/demo/data';
import { as } from './callers';

// The same subgraph on the embedded database (PGlite over pglite-socket), as `npm start` runs it.
let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(productsSubgraph, { database: createTestEmbedded });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('products on the embedded database', () => {
  it('seeds idempotently and serves the public catalog', async () => {
    await seedProducts(h.db);
    const [{ n }] = (await h.db.query<{ n: number }>('SELECT count(*) AS n FROM products.product')) as [{ n: number }];
    expect(n).toBe(DEMO_PRODUCTS.length);
    const res = await h.gql<{ products: { totalCount: number; edges: { node: { skus: { storePrice: { amount: string }; availability: { available: number } }[] } }[] } }>(
      as.anonymous,
      `{ products(first: 3, filter: { category: "彩妆" }) { totalCount edges { node { skus { storePrice(storeId: "store-csm-04") { amount } availability(storeId: "store-csm-04") { available } } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.products.totalCount).toBe(DEMO_PRODUCTS.filter((p) => p.category.startsWith('彩妆/') && p.status === 'ACTIVE').length);
  });

  it('adjusts stock exactly under parallel requests', async () => {
    const target = { storeId: 'store-csm-02', skuId: 'sku-csm-cr-2403-50g' };
    const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand } userErrors { code } } }`;
    const adjust = (key: string, delta: number) =>
      h.gql<{ adjustStock: { stock: { onHand: number } | null; userErrors: { code: string }[] } }>(as.csmAdmin, ADJUST, {
        input: { ...target, idempotencyKey: key, delta, reason: delta > 0 ? 'RECEIVED' : 'DAMAGED' },
      });
    expect((await adjust('in', 3)).data!.adjustStock.stock).toEqual({ onHand: 3 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => adjust(`out-${i}`, -1)));
    expect(results.filter((r) => r.data!.adjustStock.userErrors.length === 0)).toHaveLength(3);
    expect(results.filter((r) => r.data!.adjustStock.userErrors[0]?.code === 'OUT_OF_STOCK')).toHaveLength(3);
    const dup = await Promise.all(Array.from({ length: 4 }, () => adjust('in-2', 2)));
    expect(new Set(dup.map((r) => JSON.stringify(r.data)))).toEqual(new Set([JSON.stringify({ adjustStock: { stock: { onHand: 2 }, userErrors: [] } })]));
  });
});
