import { errorCodes, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { applyStoreChanged, productsSubgraph } from '../src';
import { ean13 } from '../src/demo/data';
import { as } from './callers';
import { DEMO_DIRECTORY_TIME, storesPeer } from './stores-peer';

let h: SubgraphHarness;
const stores = storesPeer();
beforeAll(async () => {
  h = await startSubgraphForTest(productsSubgraph, { peers: stores.peers });
});
afterAll(async () => {
  await h?.close();
});

interface UserErrorOut {
  code: string;
  field: string[] | null;
  message?: string;
}

interface ProductOut {
  id: string;
  title: string;
  status: string;
  category: string;
  skus: { id: string; code: string; listPrice: { amount: string; currency: string } }[];
}

const UPSERT = `mutation($input: UpsertProductInput!) { upsertProduct(input: $input) {
  product { id title status category skus { id code listPrice { amount currency } } } userErrors { code field message } } }`;

const upsert = async (viewer: TestViewer, input: Record<string, unknown>) => {
  const res = await h.gql<{ upsertProduct: { product: ProductOut | null; userErrors: UserErrorOut[] } }>(viewer, UPSERT, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.upsertProduct;
};

const sku = (code: string, amount = '199.00', extra: Record<string, unknown> = {}) => ({
  code,
  attributes: [{ name: '颜色', value: '黑色' }],
  listPrice: { amount, currency: 'CNY' },
  ...extra,
});

const newProduct = (codes: string[], extra: Record<string, unknown> = {}) => ({
  brandId: 'brand-lng',
  title: '测试文胸',
  category: '内衣/文胸',
  description: '测试',
  images: ['https://img.example.com/lng/test/cover.jpg'],
  skus: codes.map((c) => sku(c)),
  ...extra,
});

describe('upsertProduct', () => {
  it('creates a DRAFT product, visible to the brand only', async () => {
    const out = await upsert(as.lngAdmin, newProduct(['LNG-T1-BK-75B', 'LNG-T1-BK-80B']));
    expect(out.userErrors).toEqual([]);
    expect(out.product).toMatchObject({ status: 'DRAFT', title: '测试文胸', skus: [{ code: 'LNG-T1-BK-75B', listPrice: { amount: '199.00', currency: 'CNY' } }, { code: 'LNG-T1-BK-80B' }] });
    const q = `query($id: ID!) { product(id: $id) { id } }`;
    expect((await h.gql(as.anonymous, q, { id: out.product!.id })).data).toEqual({ product: null });
    expect((await h.gql(as.lngStaff01, q, { id: out.product!.id })).data).toEqual({ product: { id: out.product!.id } });
  });

  it('replaces a product: SKUs matched by skuId else code, the others archived, codes may swap', async () => {
    const created = (await upsert(as.lngAdmin, newProduct(['LNG-T2-A', 'LNG-T2-B', 'LNG-T2-C']))).product!;
    const [a, b, c] = created.skus;
    const out = await upsert(as.lngAdmin, {
      ...newProduct([]),
      productId: created.id,
      title: '测试文胸（改）',
      status: 'ACTIVE',
      skus: [sku('LNG-T2-B', '219.00', { skuId: a!.id }), sku('LNG-T2-A', '229.00', { skuId: b!.id }), sku('LNG-T2-D')],
    });
    expect(out.userErrors).toEqual([]);
    const skus = out.product!.skus;
    expect(out.product).toMatchObject({ id: created.id, title: '测试文胸（改）', status: 'ACTIVE' });
    expect(skus.map((s) => [s.id, s.code, s.listPrice.amount])).toEqual([
      [a!.id, 'LNG-T2-B', '219.00'],
      [b!.id, 'LNG-T2-A', '229.00'],
      [expect.stringMatching(/^sku-/), 'LNG-T2-D', '199.00'],
    ]);
    // C was left out: archived, still resolvable (past orders), no longer listed.
    const archived = await h.gql<{ sku: { code: string } | null }>(as.anonymous, `query($id: ID!) { sku(id: $id) { code } }`, { id: c!.id });
    expect(archived.data!.sku).toEqual({ code: 'LNG-T2-C' });
    // Matching by code brings it back with the same id.
    const again = await upsert(as.lngAdmin, { ...newProduct(['LNG-T2-C']), productId: created.id });
    expect(again.product!.skus.map((s) => s.id)).toEqual([c!.id]);
    expect(again.product!.status).toBe('ACTIVE');
  });

  it('publishes products.catalog.changed with the product and its SKUs, in its transaction (none when refused)', async () => {
    const events = async () => (await h.db.query<{ key: string; payload: Record<string, unknown> }>(`SELECT key, payload FROM products.outbox WHERE topic = 'products.catalog.changed' ORDER BY seq`)).map((r) => r);
    const before = (await events()).length;
    const created = (await upsert(as.lngAdmin, newProduct(['LNG-T9-A', 'LNG-T9-B'], { status: 'ACTIVE' }))).product!;
    expect((await upsert(as.lngAdmin, { ...newProduct([]), productId: created.id, status: 'ACTIVE' })).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'skus'], message: expect.any(String) }]);
    const published = (await events()).slice(before);
    expect(published).toEqual([
      { key: created.id, payload: { change: 'PRODUCT', brandId: 'brand-lng', productId: created.id, status: 'ACTIVE', skuIds: created.skus.map((s) => s.id), changedAt: expect.any(String) } },
    ]);
  });

  it('reports every validation fault with its field path', async () => {
    const out = await upsert(as.lngAdmin, {
      ...newProduct([]),
      title: '  ',
      category: '内衣//文胸',
      images: ['ftp://x'],
      skus: [sku('LNG-T3-A', '1.00', { barcode: ean13('692116899999') }), sku('LNG-T3-B', '1.234'), sku('LNG-T3-A', '-1', { barcode: '1234567890123' })],
    });
    expect(out.product).toBeNull();
    expect(out.userErrors.map((e) => [e.code, e.field])).toEqual(
      expect.arrayContaining([
        ['INVALID_INPUT', ['input', 'title']],
        ['INVALID_INPUT', ['input', 'category']],
        ['INVALID_INPUT', ['input', 'images', '0']],
        ['INVALID_INPUT', ['input', 'skus', '1', 'listPrice', 'amount']],
        ['INVALID_INPUT', ['input', 'skus', '2', 'listPrice', 'amount']],
        ['INVALID_INPUT', ['input', 'skus', '2', 'barcode']],
        ['INVALID_INPUT', ['input', 'skus', '2', 'code']],
      ]),
    );
    expect(out.userErrors.some((e) => e.field?.join('.') === 'input.skus.0.barcode')).toBe(false);
    const active = await upsert(as.lngAdmin, { ...newProduct([]), status: 'ACTIVE' });
    expect(active.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'skus'] })]);
  });

  it('keeps SKU codes unique within the brand, also under concurrent creates', async () => {
    const taken = await upsert(as.lngAdmin, newProduct(['LNG-T4-A', 'LNG-BR-2401-BK-75B']));
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'ALREADY_EXISTS', field: ['input', 'skus', '1', 'code'] })]);
    // Another brand may use the same code.
    expect((await upsert(as.csmAdmin, { ...newProduct(['LNG-BR-2401-BK-75B']), brandId: 'brand-csm' })).userErrors).toEqual([]);

    const results = await Promise.all(Array.from({ length: 6 }, () => upsert(as.lngAdmin, newProduct(['LNG-T5-RACE']))));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'ALREADY_EXISTS')).toHaveLength(5);
  });

  it('checks who may edit which brand', async () => {
    expect((await upsert(as.lngAdmin, { ...newProduct(['CSM-T6']), brandId: 'brand-csm' })).userErrors).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'brandId'] }),
    ]);
    expect((await upsert({ ...as.lngFranchiseeA, scopes: ['catalog:admin'] }, newProduct(['LNG-T6']))).userErrors[0]?.code).toBe('FORBIDDEN');
    expect((await upsert(as.platform, newProduct(['LNG-T6']))).userErrors).toEqual([]);
    expect(errorCodes(await h.gql(as.lngAdminWithoutScope, UPSERT, { input: newProduct(['LNG-T7']) }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(as.anonymous, UPSERT, { input: newProduct(['LNG-T7']) }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses unknown products and SKUs and a change of brand', async () => {
    expect((await upsert(as.lngAdmin, { ...newProduct(['LNG-T8']), productId: 'prd-nope' })).userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'productId'] }),
    ]);
    expect((await upsert(as.lngAdmin, { ...newProduct([]), productId: 'prd-lng-br-2402', skus: [sku('LNG-T8', '1', { skuId: 'sku-lng-br-2401-bk-75b' })] })).userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'skus', '0', 'skuId'] }),
    ]);
    expect((await upsert(as.platform, { ...newProduct(['LNG-T8']), productId: 'prd-lng-br-2402', brandId: 'brand-csm' })).userErrors[0]?.code).toBe('BRAND_MISMATCH');
    // Nothing was written by the failures.
    const p = await h.gql<{ product: { skus: unknown[] } }>(as.anonymous, `{ product(id: "prd-lng-br-2402") { skus { id } } }`);
    expect(p.data!.product.skus).toHaveLength(8);
  });
});

describe('setStorePrice', () => {
  const SET = `mutation($input: SetStorePriceInput!) { setStorePrice(input: $input) { sku { id } storePrice { amount currency } userErrors { code field } } }`;
  const set = async (viewer: TestViewer, input: Record<string, unknown>) => {
    const res = await h.gql<{ setStorePrice: { sku: { id: string } | null; storePrice: { amount: string; currency: string } | null; userErrors: UserErrorOut[] } }>(viewer, SET, { input });
    expect(res.errors).toBeUndefined();
    return res.data!.setStorePrice;
  };
  const priceAt = async (storeId: string, skuId: string) =>
    (await h.gql<{ sku: { storePrice: { amount: string } } }>(as.anonymous, `query($s: ID!, $k: ID!) { sku(id: $k) { storePrice(storeId: $s) { amount } } }`, { s: storeId, k: skuId })).data!.sku
      .storePrice.amount;
  const skuId = 'sku-lng-br-2402-nu-75b';

  it('sets and clears a store price for the brand and the store operator', async () => {
    expect(await set(as.lngAdmin, { storeId: 'store-lng-01', skuId, price: { amount: '239.5', currency: 'CNY' } })).toEqual({
      sku: { id: skuId },
      storePrice: { amount: '239.50', currency: 'CNY' },
      userErrors: [],
    });
    expect(await priceAt('store-lng-01', skuId)).toBe('239.50');
    expect((await set(as.lngFranchiseeA, { storeId: 'store-lng-03', skuId, price: { amount: '249', currency: 'CNY' } })).userErrors).toEqual([]);
    expect(await priceAt('store-lng-03', skuId)).toBe('249.00');
    expect((await set(as.lngAdmin, { storeId: 'store-lng-01', skuId, price: null })).storePrice).toEqual({ amount: '259.00', currency: 'CNY' });
    expect(await priceAt('store-lng-01', skuId)).toBe('259.00');
  });

  it('refuses callers outside the store', async () => {
    for (const viewer of [as.lngFranchiseeA, as.lngStaff01, as.lngGuide01, as.csmAdmin, as.lngMember]) {
      const out = await set(viewer, { storeId: 'store-lng-01', skuId, price: { amount: '1', currency: 'CNY' } });
      expect(out.userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'storeId'] }]);
    }
    expect(errorCodes(await h.gql(as.anonymous, SET, { input: { storeId: 'store-lng-01', skuId, price: null } }))).toEqual(['UNAUTHENTICATED']);
    expect(await priceAt('store-lng-01', skuId)).toBe('259.00');
  });

  it('publishes products.catalog.changed with each price set or cleared, in its transaction (none when refused)', async () => {
    const events = async () =>
      (await h.db.query<{ key: string; payload: Record<string, unknown> }>(`SELECT key, payload FROM products.outbox WHERE topic = 'products.catalog.changed' AND key = $1 ORDER BY seq`, [skuId])).map((r) => ({
        key: r.key,
        payload: { ...r.payload, changedAt: typeof r.payload.changedAt },
      }));
    const before = (await events()).length;
    await set(as.lngAdmin, { storeId: 'store-lng-02', skuId, price: { amount: '199', currency: 'CNY' } });
    await set(as.lngAdmin, { storeId: 'store-lng-02', skuId, price: null });
    expect((await set(as.lngAdmin, { storeId: 'store-lng-02', skuId, price: { amount: '1', currency: 'USD' } })).userErrors).toEqual([{ code: 'CURRENCY_MISMATCH', field: ['input', 'price', 'currency'] }]);
    const common = { change: 'STORE_PRICE', brandId: 'brand-lng', productId: 'prd-lng-br-2402', skuId, storeId: 'store-lng-02', currency: 'CNY', changedAt: 'string' };
    expect((await events()).slice(before)).toEqual([
      { key: skuId, payload: { ...common, priceFen: 19900 } },
      { key: skuId, payload: { ...common, priceFen: null } },
    ]);
  });

  it('reports unknown stores and SKUs, other brands, currency mismatches and bad amounts', async () => {
    const cases: [Record<string, unknown>, UserErrorOut][] = [
      [{ storeId: 'store-nope', skuId }, { code: 'NOT_FOUND', field: ['input', 'storeId'] }],
      [{ storeId: 'store-lng-01', skuId: 'sku-nope' }, { code: 'NOT_FOUND', field: ['input', 'skuId'] }],
      [{ storeId: 'store-lng-01', skuId: 'sku-csm-lp-2401-999' }, { code: 'BRAND_MISMATCH', field: ['input', 'skuId'] }],
      [{ storeId: 'store-lng-01', skuId, price: { amount: '10', currency: 'USD' } }, { code: 'CURRENCY_MISMATCH', field: ['input', 'price', 'currency'] }],
      [{ storeId: 'store-lng-01', skuId, price: { amount: '1e3', currency: 'CNY' } }, { code: 'INVALID_INPUT', field: ['input', 'price', 'amount'] }],
    ];
    for (const [input, error] of cases) {
      expect((await set(as.platform, { price: { amount: '1', currency: 'CNY' }, ...input })).userErrors).toEqual([error]);
    }
  });
});

describe('adjustStock', () => {
  const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand reserved available store { id } sku { id } } userErrors { code field } } }`;
  type AdjustOut = { stock: { onHand: number; reserved: number; available: number } | null; userErrors: UserErrorOut[] };
  let keySeq = 0;
  const adjust = async (viewer: TestViewer, input: Record<string, unknown>) => {
    const res = await h.gql<{ adjustStock: AdjustOut }>(viewer, ADJUST, { input: { idempotencyKey: `k-${++keySeq}`, reason: 'OTHER', ...input } });
    expect(res.errors).toBeUndefined();
    return res.data!.adjustStock;
  };
  const onHand = async (storeId: string, skuId: string) =>
    (await h.db.query<{ on_hand: number }>('SELECT on_hand FROM products.stock WHERE store_id = $1 AND sku_id = $2', [storeId, skuId]))[0]?.on_hand ?? 0;
  const movements = async (storeId: string, skuId: string) =>
    (await h.db.query<{ n: number }>('SELECT count(*) AS n FROM products.stock_movement WHERE store_id = $1 AND sku_id = $2', [storeId, skuId]))[0]!.n;

  it('adds stock, writes the ledger, and replays a retried key', async () => {
    const target = { storeId: 'store-lng-02', skuId: 'sku-lng-pt-2403-wr-l' };
    const input = { ...target, idempotencyKey: 'receive-1', delta: 5, reason: 'RECEIVED', note: '到货' };
    const first = await h.gql<{ adjustStock: AdjustOut }>(as.lngAdmin, ADJUST, { input });
    expect(first.data!.adjustStock).toEqual({ stock: { onHand: 5, reserved: 0, available: 5, store: { id: 'store-lng-02' }, sku: { id: target.skuId } }, userErrors: [] });
    const retry = await h.gql<{ adjustStock: AdjustOut }>(as.lngAdmin, ADJUST, { input });
    expect(retry.data).toEqual(first.data);
    expect(await onHand(target.storeId, target.skuId)).toBe(5);
    expect(await movements(target.storeId, target.skuId)).toBe(1);
    const reused = await h.gql<{ adjustStock: AdjustOut }>(as.lngAdmin, ADJUST, { input: { ...input, delta: 6 } });
    expect(reused.data!.adjustStock.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }]);
    // Keys are partitioned by the caller's scope: another tenant's same key is a new request.
    expect((await h.gql<{ adjustStock: AdjustOut }>(as.platform, ADJUST, { input: { ...input, delta: 6 } })).data!.adjustStock.stock!.onHand).toBe(11);
  });

  it('is fenced like the store: brand, operator, the store staff', async () => {
    const at = (storeId: string) => ({ storeId, skuId: 'sku-lng-br-2401-bk-75b', delta: 1, reason: 'RECEIVED' });
    expect((await adjust(as.lngStaff01, at('store-lng-01'))).userErrors).toEqual([]);
    expect((await adjust(as.lngFranchiseeA, at('store-lng-04'))).userErrors).toEqual([]);
    for (const [viewer, storeId] of [
      [as.lngStaff01, 'store-lng-02'],
      [as.lngGuide01, 'store-lng-01'],
      [as.lngFranchiseeA, 'store-lng-01'],
      [as.csmAdmin, 'store-lng-01'],
      [as.lngMember, 'store-lng-01'],
    ] as const) {
      expect((await adjust(viewer, at(storeId))).userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'storeId'] }]);
    }
    expect(errorCodes(await h.gql(as.anonymous, ADJUST, { input: { idempotencyKey: 'x', ...at('store-lng-01') } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('never takes onHand below reserved and checks the input', async () => {
    const target = { storeId: 'store-lng-03', skuId: 'sku-lng-pt-2403-bk-l' };
    await adjust(as.platform, { ...target, delta: 4, reason: 'RECEIVED' });
    await h.db.query('UPDATE products.stock SET reserved = 3 WHERE store_id = $1 AND sku_id = $2', [target.storeId, target.skuId]);
    expect((await adjust(as.lngAdmin, { ...target, delta: -2, reason: 'DAMAGED' })).userErrors).toEqual([{ code: 'OUT_OF_STOCK', field: ['input', 'delta'] }]);
    expect((await adjust(as.lngAdmin, { ...target, delta: -1, reason: 'DAMAGED' })).stock).toEqual(expect.objectContaining({ onHand: 3, reserved: 3, available: 0 }));
    expect((await adjust(as.lngAdmin, { storeId: 'store-lng-03', skuId: 'sku-lng-pt-2403-wr-m', delta: -1, reason: 'STOCKTAKE' })).userErrors[0]?.code).toBe('OUT_OF_STOCK');
    for (const bad of [{ delta: 0 }, { delta: 1, reason: 'DAMAGED' }, { delta: -1, reason: 'RECEIVED' }, { delta: 1_000_000 }]) {
      expect((await adjust(as.lngAdmin, { ...target, ...bad })).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'delta'] }]);
    }
    expect((await adjust(as.lngAdmin, { storeId: 'store-nope', skuId: target.skuId, delta: 1 })).userErrors[0]).toEqual({ code: 'NOT_FOUND', field: ['input', 'storeId'] });
    expect((await adjust(as.lngAdmin, { storeId: 'store-lng-03', skuId: 'sku-csm-lp-2401-999', delta: 1 })).userErrors[0]?.code).toBe('BRAND_MISMATCH');
  });

  it('is exact under parallel adjustments: 20 × -1 on onHand 10 → 10 succeed, onHand 0', async () => {
    const target = { storeId: 'store-lng-02', skuId: 'sku-lng-pt-2403-bk-m' };
    await adjust(as.lngAdmin, { ...target, delta: 10, reason: 'RECEIVED' });
    const results = await Promise.all(Array.from({ length: 20 }, () => adjust(as.lngAdmin, { ...target, delta: -1, reason: 'DAMAGED' })));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(10);
    expect(results.filter((r) => r.userErrors[0]?.code === 'OUT_OF_STOCK')).toHaveLength(10);
    expect(await onHand(target.storeId, target.skuId)).toBe(0);
    expect(await movements(target.storeId, target.skuId)).toBe(11);
  });

  it('creates the stock row exactly once under parallel first receipts', async () => {
    const target = { storeId: 'store-lng-07', skuId: 'sku-lng-pt-2403-bk-m' };
    const results = await Promise.all(Array.from({ length: 10 }, () => adjust(as.lngAdmin, { ...target, delta: 1, reason: 'RECEIVED' })));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(await onHand(target.storeId, target.skuId)).toBe(10);
  });

  it('gives 10 parallel duplicates of one key exactly one effect and one response', async () => {
    const target = { storeId: 'store-lng-08', skuId: 'sku-lng-pt-2403-bk-m' };
    const input = { ...target, idempotencyKey: 'dup-key', delta: 3, reason: 'TRANSFER_IN' };
    const results = await Promise.all(Array.from({ length: 10 }, () => h.gql<{ adjustStock: AdjustOut }>(as.lngAdmin, ADJUST, { input })));
    for (const r of results) expect(r.data!.adjustStock).toEqual(results[0]!.data!.adjustStock);
    expect(results[0]!.data!.adjustStock.stock!.onHand).toBe(3);
    expect(await onHand(target.storeId, target.skuId)).toBe(3);
    expect(await movements(target.storeId, target.skuId)).toBe(1);
  });
});

describe('stores.store.changed', () => {
  const STOCK = `{ _entities(representations: [{ __typename: "Store", id: "store-lng-04" }]) { ... on Store { stock(skuIds: ["sku-lng-br-2401-bk-75b"]) { onHand } } } }`;
  const seesOnHand = async (viewer: TestViewer) =>
    (await h.gql<{ _entities: { stock: { onHand: number | null }[] }[] }>(viewer, STOCK)).data!._entities[0]!.stock[0]!.onHand !== null;
  const frB = { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' } as const;

  it('moves a store to its new operator and ignores older updates', async () => {
    expect(await seesOnHand(as.lngFranchiseeA)).toBe(true);
    await h.db.transaction((tx) => applyStoreChanged(tx, { id: 'store-lng-04', brandId: 'brand-lng', franchiseeId: 'fr-lng-b', updatedAt: '2025-03-01T00:00:00Z', name: 'x' }));
    expect(await seesOnHand(as.lngFranchiseeA)).toBe(false);
    expect(await seesOnHand(frB)).toBe(true);
    await h.db.transaction((tx) => applyStoreChanged(tx, { id: 'store-lng-04', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', updatedAt: '2025-02-01T00:00:00Z' }));
    expect(await seesOnHand(frB)).toBe(true);
    await h.db.transaction((tx) => applyStoreChanged(tx, { id: 'store-lng-04', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', updatedAt: '2025-03-02T00:00:00Z' }));
    expect(await seesOnHand(as.lngFranchiseeA)).toBe(true);
  });

  it('adds a new store, which can then be stocked', async () => {
    await h.db.transaction((tx) => applyStoreChanged(tx, { id: 'store-lng-99', brandId: 'brand-lng', franchiseeId: null }));
    const res = await h.gql<{ adjustStock: { userErrors: unknown[] } }>(as.lngAdmin, `mutation { adjustStock(input: { idempotencyKey: "new-store", storeId: "store-lng-99", skuId: "sku-lng-br-2401-bk-75b", delta: 2, reason: RECEIVED }) { userErrors { code } } }`);
    expect(res.data!.adjustStock.userErrors).toEqual([]);
  });
});

describe('a store handed to another operator', () => {
  const SET = `mutation($input: SetStorePriceInput!) { setStorePrice(input: $input) { storePrice { amount } userErrors { code field } } }`;
  const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand } userErrors { code field } } }`;
  const input = { storeId: 'store-lng-04', skuId: 'sku-lng-br-2401-bk-75b' };
  const price = (amount: string) => ({ ...input, price: { amount, currency: 'CNY' } });
  let n = 0;
  const stockIn = () => ({ ...input, idempotencyKey: `handover-${++n}`, delta: 1, reason: 'RECEIVED' });
  const operatorInDirectory = async () =>
    (await h.db.query<{ f: string }>(`SELECT franchisee_id AS f FROM products.store_directory WHERE store_id = 'store-lng-04'`))[0]?.f;

  it('is out of the old operator\'s reach as soon as stores says so, before its event arrives', async () => {
    expect(((await h.gql<{ setStorePrice: { userErrors: unknown[] } }>(as.lngFranchiseeA, SET, { input: price('201') })).data!.setStorePrice.userErrors)).toEqual([]);
    stores.handOver('store-lng-04', 'fr-lng-b'); // the stores.store.changed event has not reached products
    expect(await operatorInDirectory()).toBe('fr-lng-a');
    const refused = [{ code: 'FORBIDDEN', field: ['input', 'storeId'] }];
    expect((await h.gql<{ setStorePrice: { userErrors: unknown[] } }>(as.lngFranchiseeA, SET, { input: price('1') })).data!.setStorePrice.userErrors).toEqual(refused);
    expect((await h.gql<{ adjustStock: { userErrors: unknown[] } }>(as.lngFranchiseeA, ADJUST, { input: stockIn() })).data!.adjustStock.userErrors).toEqual(refused);
    expect(await operatorInDirectory()).toBe('fr-lng-b');
    expect((await h.gql<{ setStorePrice: { userErrors: unknown[] } }>(as.lngFranchiseeB, SET, { input: price('202') })).data!.setStorePrice.userErrors).toEqual([]);
    expect((await h.gql<{ adjustStock: { userErrors: unknown[] } }>(as.lngFranchiseeB, ADJUST, { input: stockIn() })).data!.adjustStock.userErrors).toEqual([]);
  });

  it('keeps the newer operator when the older event arrives late', async () => {
    await h.db.transaction((tx) => applyStoreChanged(tx, { id: 'store-lng-04', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', updatedAt: DEMO_DIRECTORY_TIME }));
    expect(await operatorInDirectory()).toBe('fr-lng-b');
  });

  it('asks stores only for an operator\'s writes, and refuses them (retryable) while stores cannot answer', async () => {
    const before = stores.calls.length;
    expect((await h.gql<{ setStorePrice: { userErrors: unknown[] } }>(as.lngAdmin, SET, { input: price('203') })).data!.setStorePrice.userErrors).toEqual([]);
    expect(stores.calls.length).toBe(before);
    stores.setReachable(false);
    try {
      const res = await h.gql<{ setStorePrice: unknown }>(as.lngFranchiseeB, SET, { input: price('2') });
      expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.retryable])).toEqual([['SERVICE_UNAVAILABLE', true]]);
      const stock = await h.gql<{ adjustStock: unknown }>(as.lngFranchiseeB, ADJUST, { input: stockIn() });
      expect(errorCodes(stock)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      stores.setReachable(true);
    }
    const amount = await h.gql<{ sku: { storePrice: { amount: string } } }>(as.anonymous, `{ sku(id: "sku-lng-br-2401-bk-75b") { storePrice(storeId: "store-lng-04") { amount } } }`);
    expect(amount.data!.sku.storePrice.amount).toBe('203.00');
  });
});
