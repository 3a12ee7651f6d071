import { encodeCursor } from '@retail/platform';
import { errorCodes, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { productsSubgraph } from '../src';
import { DEMO_PRODUCTS, DEMO_STOCK, DEMO_STORE_PRICES } from '../src/demo/data';
import { as } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(productsSubgraph);
});
afterAll(async () => {
  await h?.close();
});

interface ProductsPage {
  products: { totalCount: number; edges: { cursor: string; node: { id: string; title: string; status: string; category: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const PRODUCTS = `query($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id title status category } } pageInfo { hasNextPage endCursor }
  }
}`;

const demoCount = (pred: (p: (typeof DEMO_PRODUCTS)[number]) => boolean) => DEMO_PRODUCTS.filter(pred).length;
const stockOf = (storeId: string, skuId: string) => DEMO_STOCK.find((s) => s.storeId === storeId && s.skuId === skuId);

describe('public catalog', () => {
  it('serves products, SKUs and prices to anonymous callers, ACTIVE only', async () => {
    const res = await h.gql<ProductsPage>(as.anonymous, PRODUCTS, { first: 100 });
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.products.edges.map((e) => e.node);
    expect(res.data!.products.totalCount).toBe(demoCount((p) => p.status === 'ACTIVE'));
    expect(nodes.every((n) => n.status === 'ACTIVE')).toBe(true);

    const one = await h.gql<{ product: { title: string; images: string[]; brand: { id: string }; skus: { code: string; barcode: string; attributes: { name: string; value: string }[]; listPrice: { amount: string; currency: string } }[] } }>(
      as.anonymous,
      `{ product(id: "prd-lng-br-2401") { title images brand { id } skus { code barcode attributes { name value } listPrice { amount currency } } } }`,
    );
    expect(one.data!.product).toMatchObject({ title: '无钢圈蕾丝聚拢文胸', brand: { id: 'brand-lng' } });
    expect(one.data!.product.images[0]).toMatch(/^https:\/\/img\.example\.com\//);
    expect(one.data!.product.skus).toHaveLength(15);
    expect(one.data!.product.skus[0]).toEqual({
      code: 'LNG-BR-2401-BK-70B',
      barcode: expect.stringMatching(/^\d{13}$/),
      attributes: [{ name: '颜色', value: '黑色' }, { name: '尺码', value: '70B' }],
      listPrice: { amount: '299.00', currency: 'CNY' },
    });
  });

  it('hides DRAFT and ARCHIVED products from anonymous, members and other brands, not from the brand or the platform', async () => {
    const q = `{ draft: product(id: "prd-lng-pt-2403") { id status } archived: product(id: "prd-lng-br-2301") { id } sku(id: "sku-lng-pt-2403-bk-m") { id }
      _entities(representations: [{ __typename: "Product", id: "prd-lng-pt-2403" }]) { ... on Product { id } } }`;
    for (const viewer of [as.anonymous, as.lngMember, as.csmAdmin]) {
      const res = await h.gql(viewer, q);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ draft: null, archived: null, sku: null, _entities: [null] });
    }
    for (const viewer of [as.lngAdmin, as.lngFranchiseeA, as.lngStaff01, as.lngGuide01, as.platform]) {
      const res = await h.gql(viewer, q);
      expect(res.data).toEqual({ draft: { id: 'prd-lng-pt-2403', status: 'DRAFT' }, archived: { id: 'prd-lng-br-2301' }, sku: { id: 'sku-lng-pt-2403-bk-m' }, _entities: [{ id: 'prd-lng-pt-2403' }] });
    }
    const staffList = await h.gql<ProductsPage>(as.lngAdmin, PRODUCTS, { first: 100, filter: { brandId: 'brand-lng' } });
    expect(staffList.data!.products.totalCount).toBe(demoCount((p) => p.brandId === 'brand-lng'));
    const anonDrafts = await h.gql<ProductsPage>(as.anonymous, PRODUCTS, { filter: { status: 'DRAFT' } });
    expect(anonDrafts.data!.products.totalCount).toBe(0);
    const adminDrafts = await h.gql<ProductsPage>(as.lngAdmin, PRODUCTS, { filter: { status: 'DRAFT' } });
    expect(adminDrafts.data!.products.edges.map((e) => e.node.id)).toEqual(['prd-lng-pt-2403']);
  });

  it('resolves Sku and Product entities in one statement per type', async () => {
    const { res, statements } = await h.countStatements(
      as.anonymous,
      `{ _entities(representations: [{ __typename: "Sku", id: "sku-csm-lp-2401-999" }, { __typename: "Sku", id: "sku-lng-br-2401-bk-75b" }, { __typename: "Sku", id: "nope" }]) {
          ... on Sku { id code product { title } } } }`,
    );
    expect(res.data!._entities).toEqual([
      { id: 'sku-csm-lp-2401-999', code: 'CSM-LP-2401-999', product: { title: '丝绒哑光口红' } },
      { id: 'sku-lng-br-2401-bk-75b', code: 'LNG-BR-2401-BK-75B', product: { title: '无钢圈蕾丝聚拢文胸' } },
      null,
    ]);
    expect(statements).toBe(2);
  });

  it('gives the store price where the store set one, else the list price', async () => {
    const own = DEMO_STORE_PRICES.find((p) => p.storeId === 'store-lng-04' && p.skuId === 'sku-lng-br-2401-bk-75b')!;
    const res = await h.gql<{ sku: { listPrice: { amount: string }; at04: { amount: string }; at01: { amount: string; currency: string } } }>(
      as.anonymous,
      `{ sku(id: "sku-lng-br-2401-bk-75b") { listPrice { amount } at04: storePrice(storeId: "store-lng-04") { amount } at01: storePrice(storeId: "store-lng-01") { amount currency } } }`,
    );
    expect(res.data!.sku).toEqual({ listPrice: { amount: '299.00' }, at04: { amount: (own.priceFen / 100).toFixed(2) }, at01: { amount: '299.00', currency: 'CNY' } });
    expect(own.priceFen).toBe(26900);
  });

  it('requires a token for skuByCode', async () => {
    const q = `{ skuByCode(brandId: "brand-lng", code: "LNG-BR-2401-BK-75B") { id } }`;
    expect(errorCodes(await h.gql(as.anonymous, q))).toEqual(['UNAUTHENTICATED']);
    expect((await h.gql(as.lngStaff01, q)).data).toEqual({ skuByCode: { id: 'sku-lng-br-2401-bk-75b' } });
    expect((await h.gql(as.lngStaff01, `{ skuByCode(brandId: "brand-csm", code: "LNG-BR-2401-BK-75B") { id } }`)).data).toEqual({ skuByCode: null });
  });
});

describe('products(filter)', () => {
  const ids = async (filter: Record<string, unknown>, viewer: TestViewer = as.anonymous) => {
    const res = await h.gql<ProductsPage>(viewer, PRODUCTS, { filter, first: 100 });
    expect(res.errors).toBeUndefined();
    return res.data!.products.edges.map((e) => e.node.id);
  };

  it('filters by brand', async () => {
    const lng = await ids({ brandId: 'brand-lng' });
    expect(lng.length).toBe(demoCount((p) => p.brandId === 'brand-lng' && p.status === 'ACTIVE'));
    expect(lng.every((id) => id.startsWith('prd-lng-'))).toBe(true);
  });

  it('filters by category path prefix, not by string prefix', async () => {
    const created = await h.gql<{ upsertProduct: { product: { id: string }; userErrors: unknown[] } }>(
      as.lngAdmin,
      `mutation($input: UpsertProductInput!) { upsertProduct(input: $input) { product { id } userErrors { code field } } }`,
      {
        input: {
          brandId: 'brand-lng', title: '男士莫代尔内衣裤套装', category: '内衣裤/套装', images: [], status: 'ACTIVE',
          skus: [{ code: 'LNG-MS-2401-GY-L', attributes: [{ name: '尺码', value: 'L' }], listPrice: { amount: '129', currency: 'CNY' } }],
        },
      },
    );
    expect(created.data!.upsertProduct.userErrors).toEqual([]);
    const underwear = await ids({ category: '内衣' });
    expect(underwear).not.toContain(created.data!.upsertProduct.product.id);
    expect(underwear.sort()).toEqual(DEMO_PRODUCTS.filter((p) => p.category.startsWith('内衣/') && p.status === 'ACTIVE').map((p) => p.id).sort());
    expect(await ids({ category: '内衣裤' })).toEqual([created.data!.upsertProduct.product.id]);
    expect((await ids({ category: '内衣/文胸' })).length).toBe(4);
    expect(await ids({ category: '内衣/文' })).toEqual([]);
    expect((await ids({ category: '/家居服/' })).length).toBe(3);
  });

  it('finds words in titles and SKU codes, case-insensitively, with LIKE wildcards taken literally', async () => {
    expect(await ids({ query: '蕾丝 文胸' })).toEqual(['prd-lng-br-2401']);
    expect(await ids({ query: 'csm-lp-2401-9' })).toEqual(['prd-csm-lp-2401']);
    expect(await ids({ query: '口红' })).toEqual(['prd-csm-lp-2401']);
    expect(await ids({ query: '%' })).toEqual([]);
    expect(await ids({ query: '_' })).toEqual([]);
    expect(await ids({ query: '精华', brandId: 'brand-csm', category: '护肤' })).toEqual(['prd-csm-se-2402', 'prd-csm-se-2401']);
    expect(await ids({ query: '蕾丝' }, as.lngAdmin)).toEqual(expect.arrayContaining(['prd-lng-br-2401', 'prd-lng-pt-2403']));
  });

  it('pages newest first with keyset cursors', async () => {
    const all = await ids({});
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: Awaited<ReturnType<typeof h.gql<ProductsPage>>> = await h.gql<ProductsPage>(as.anonymous, PRODUCTS, { first: 4, after });
      const conn = res.data!.products;
      expect(conn.totalCount).toBe(all.length);
      seen.push(...conn.edges.map((e) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    // Newest first: the demo data's creation order, reversed.
    const order = [...DEMO_PRODUCTS].filter((p) => p.status === 'ACTIVE').sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    expect(all.filter((id) => order.some((p) => p.id === id))).toEqual(order.map((p) => p.id));
  });

  it('clamps first to 1..100', async () => {
    const res = await h.gql<ProductsPage>(as.anonymous, PRODUCTS, { first: 0 });
    expect(res.data!.products.edges).toHaveLength(1);
    expect(res.data!.products.pageInfo.hasNextPage).toBe(true);
    const big = await h.gql<ProductsPage>(as.platform, PRODUCTS, { first: 1000 });
    expect(big.data!.products.edges.length).toBe(big.data!.products.totalCount);
  });

  it('refuses malformed cursors and filters with BAD_USER_INPUT', async () => {
    for (const after of ['not-a-cursor', 'YWJj', encodeCursor(['yesterday', 'prd-1']), encodeCursor([1, 'prd-1'])]) {
      expect(errorCodes(await h.gql(as.anonymous, PRODUCTS, { after }))).toEqual(['BAD_USER_INPUT']);
    }
    expect(errorCodes(await h.gql(as.anonymous, PRODUCTS, { filter: { category: '内衣//文胸' } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await h.gql(as.anonymous, PRODUCTS, { filter: { query: 'x '.repeat(60) } }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('store stock', () => {
  const STOCK = `query($reps: [_Any!]!, $skuIds: [ID!]!) { _entities(representations: $reps) { ... on Store { id stock(skuIds: $skuIds) { sku { id } store { id } available onHand reserved } } } }`;
  const storeRep = (id: string) => ({ __typename: 'Store', id });
  const skuIds = ['sku-lng-br-2401-bk-75b', 'sku-lng-pt-2401-nu-m', 'sku-lng-pj-2401-ch-s'];

  it('answers Store.stock in the order asked, available for everybody', async () => {
    const res = await h.gql<{ _entities: { stock: { sku: { id: string }; available: number; onHand: number | null }[] }[] }>(
      as.lngMember,
      STOCK,
      { reps: [storeRep('store-lng-01')], skuIds: [...skuIds].reverse() },
    );
    expect(res.errors).toBeUndefined();
    const stock = res.data!._entities[0]!.stock;
    expect(stock.map((s) => s.sku.id)).toEqual([...skuIds].reverse());
    for (const s of stock) {
      const demo = stockOf('store-lng-01', s.sku.id);
      expect(s.available).toBe(Math.max(0, (demo?.onHand ?? 0) - (demo?.reserved ?? 0)));
      expect(s.onHand).toBeNull();
    }
  });

  it('gives available 0 for a SKU without stock and leaves out unknown or hidden SKUs', async () => {
    const res = await h.gql<{ _entities: { stock: { sku: { id: string }; available: number }[] }[] }>(as.anonymous, STOCK.replace(' onHand reserved', ''), {
      reps: [storeRep('store-csm-01')],
      skuIds: ['sku-lng-br-2401-bk-75b', 'nope', 'sku-lng-pt-2403-bk-m'],
    });
    expect(res.data!._entities[0]!.stock).toEqual([{ sku: { id: 'sku-lng-br-2401-bk-75b' }, store: { id: 'store-csm-01' }, available: 0 }]);
  });

  it('refuses more than 100 SKU ids', async () => {
    const res = await h.gql(as.anonymous, STOCK.replace(' onHand reserved', ''), { reps: [storeRep('store-lng-01')], skuIds: Array.from({ length: 101 }, (_, i) => `sku-${i}`) });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('shows onHand and reserved only inside the store fence (null otherwise, an error for anonymous)', async () => {
    const sku = 'sku-lng-br-2401-bk-75b';
    const read = async (viewer: Parameters<typeof h.gql>[0], storeId: string) => {
      const res = await h.gql<{ _entities: { stock: { onHand: number | null; reserved: number | null; available: number }[] }[] }>(viewer, STOCK, { reps: [storeRep(storeId)], skuIds: [sku] });
      return { res, stock: res.data!._entities[0]!.stock[0]! };
    };
    const at04 = stockOf('store-lng-04', sku)!;
    const at01 = stockOf('store-lng-01', sku)!;
    for (const viewer of [as.platform, as.lngAdmin, as.lngFranchiseeA]) {
      expect((await read(viewer, 'store-lng-04')).stock).toMatchObject({ onHand: at04.onHand, reserved: at04.reserved, available: at04.onHand - at04.reserved });
    }
    for (const viewer of [as.csmAdmin, as.lngStaff01, as.lngGuide01, as.lngMember, { role: 'FRANCHISEE' as const, brandId: 'brand-lng', franchiseeId: 'fr-lng-b' }]) {
      const { res, stock } = await read(viewer, 'store-lng-04');
      expect(res.errors).toBeUndefined();
      expect(stock).toMatchObject({ onHand: null, reserved: null });
    }
    for (const viewer of [as.lngStaff01, as.lngGuide01]) {
      expect((await read(viewer, 'store-lng-01')).stock).toMatchObject({ onHand: at01.onHand, reserved: at01.reserved });
    }
    const anon = await read(as.anonymous, 'store-lng-01');
    expect(anon.stock).toMatchObject({ onHand: null, reserved: null, available: at01.onHand - at01.reserved });
    expect(errorCodes(anon.res)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });
});

describe('efficiency', () => {
  const LIST = `query($first: Int) { products(first: $first, filter: { brandId: "brand-lng" }) { edges { node { id skus { id listPrice { amount }
      storePrice(storeId: "store-lng-04") { amount } availability(storeId: "store-lng-04") { available onHand reserved store { id } } product { id } } } } } }`;

  it('uses the same number of SQL statements for 5 and for 20 products with all their SKUs', async () => {
    const small = await h.countStatements(as.lngAdmin, LIST, { first: 5 });
    const large = await h.countStatements(as.lngAdmin, LIST, { first: 20 });
    expect(small.res.errors).toBeUndefined();
    expect(large.res.errors).toBeUndefined();
    const skuCount = (r: typeof small) => ((r.res.data as { products: { edges: { node: { skus: unknown[] } }[] } }).products.edges.flatMap((e) => e.node.skus)).length;
    expect(skuCount(large)).toBeGreaterThan(skuCount(small) * 2);
    expect(large.statements).toBe(small.statements);
    // products page, SKUs of the products, store prices, stock.
    expect(small.statements).toBe(4);
  });

  it('answers Store.stock for many stores with a constant number of statements', async () => {
    const q = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Store { stock(skuIds: ["sku-lng-br-2401-bk-75b", "sku-lng-br-2401-bk-80b"]) { available onHand sku { code } } } } }`;
    const one = await h.countStatements(as.lngAdmin, q, { reps: [{ __typename: 'Store', id: 'store-lng-01' }] });
    const many = await h.countStatements(as.lngAdmin, q, { reps: Array.from({ length: 11 }, (_, i) => ({ __typename: 'Store', id: `store-lng-${String(i + 1).padStart(2, '0')}` })) });
    expect(many.res.errors).toBeUndefined();
    expect(many.statements).toBe(one.statements);
    expect(one.statements).toBe(2);
  });
});
