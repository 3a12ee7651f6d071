// The public response cache (docs/performance.md, "Public response cache"): anonymous reads of stores and the
// catalog answered from Redis by any replica, invalidated by mutations through any gateway and by the subgraphs'
// own events; nothing per viewer, with errors, or from a mutation is kept; stock lives a short TTL.
import crypto from 'node:crypto';
import { responseCacheHits, responseCacheInvalidations, subgraphFetches } from '@retail/platform';
import { postGraphQL, signedHeaders, TEST_REDIS_URL } from '@retail/platform/testing';
import { eventually } from './support/eventually';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

const PRICE = `query($sku: ID!, $store: ID!) { sku(id: $sku) { id storePrice(storeId: $store) { amount currency } } }`;
const SET_PRICE = `mutation($input: SetStorePriceInput!) { setStorePrice(input: $input) { storePrice { amount } userErrors { code message } } }`;
const STORE = `query($id: ID!) { store(id: $id) { id name pickupEnabled } }`;
const UPDATE_STORE = `mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { name } userErrors { code message } } }`;
const STOCK = `query($sku: ID!, $store: ID!) { sku(id: $sku) { availability(storeId: $store) { available } } }`;
const SKU = 'sku-lng-br-2402-nu-75b';
const LNG_ADMIN = { role: 'BRAND_ADMIN' as const, brandId: 'brand-lng', scopes: ['catalog:admin', 'stores:admin'] };

interface Answer {
  status: number;
  cacheControl: string | null;
  vary: string | null;
  contentType: string | null;
  body: string;
  json: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}

async function ask(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = await res.text();
  const header = (name: string) => res.headers.get(name);
  return { status: res.status, cacheControl: header('cache-control'), vary: header('vary'), contentType: header('content-type'), body, json: JSON.parse(body) as Answer['json'] };
}

const total = async (metric: typeof subgraphFetches | typeof responseCacheHits) => (await metric.get()).values.reduce((s, v) => s + v.value, 0);
/** Bumps of the products domain by products.catalog.changed (the seed's stores.store.changed backlog bumps `stores`). */
const productEventBumps = async () =>
  (await responseCacheInvalidations.get()).values.filter((v) => v.labels.source === 'event' && v.labels.domain === 'products').reduce((s, v) => s + v.value, 0);

/** The answer of `ask` and how many subgraph fetches and cache hits it cost (all gateways of this process). */
async function counted(run: () => Promise<Answer>): Promise<Answer & { fetches: number; hits: number }> {
  const [f0, h0] = [await total(subgraphFetches), await total(responseCacheHits)];
  const answer = await run();
  return { ...answer, fetches: (await total(subgraphFetches)) - f0, hits: (await total(responseCacheHits)) - h0 };
}

const priceOf = (a: Answer) => (a.json.data?.sku as { storePrice: { amount: string } } | undefined)?.storePrice.amount;

let graph: TestGraph;
let adminToken: string;
/** Two replicas sharing Redis (the cache and the subgraphs' event streams). */
let a: string;
let b: string;

beforeAll(async () => {
  graph = await startTestGraph();
  const shared = { REDIS_URL: TEST_REDIS_URL, RESPONSE_CACHE_KEY_PREFIX: `test-rc-${crypto.randomBytes(4).toString('hex')}:` };
  a = (await graph.startGateway(shared)).url;
  b = (await graph.startGateway(shared)).url;
  adminToken = await tokenFor(LNG_ADMIN);
});
afterAll(async () => {
  await graph?.close();
});

describe('two gateway replicas sharing Redis', () => {
  test('a read through one is a hit through the other; a price changed through A shows in the next read through B', async () => {
    const vars = { sku: SKU, store: 'store-lng-05' };
    const bumpsBefore = await productEventBumps();
    const first = await counted(() => ask(a, PRICE, vars));
    expect(first.json.errors).toBeUndefined();
    expect(first.fetches).toBeGreaterThan(0);
    expect(first.hits).toBe(0);
    expect(first.cacheControl).toBe('public, max-age=5');
    expect(first.vary).toBe('accept, authorization');

    const second = await counted(() => ask(b, PRICE, vars));
    expect(second).toMatchObject({ fetches: 0, hits: 1, status: 200, body: first.body, contentType: first.contentType, cacheControl: 'public, max-age=5', vary: first.vary });

    const set = await ask(a, SET_PRICE, { input: { storeId: 'store-lng-05', skuId: SKU, price: { amount: '123.40', currency: 'CNY' } } }, adminToken);
    expect(set.json.data).toEqual({ setStorePrice: { storePrice: { amount: '123.40' }, userErrors: [] } });
    expect(set.cacheControl).toBe('private, no-store');

    const after = await counted(() => ask(b, PRICE, vars));
    expect(priceOf(after)).toBe('123.40');
    expect(after.fetches).toBeGreaterThan(0);
    // The change's event bumps the generation once more (harmless: one more miss); once it has, B keeps the new
    // answer and A's next read is a hit with the new price.
    await eventually(async () => ((await productEventBumps()) > bumpsBefore ? true : null), 'the price change event to be consumed');
    await ask(b, PRICE, vars);
    const fromA = await counted(() => ask(a, PRICE, vars));
    expect(fromA).toMatchObject({ fetches: 0, hits: 1 });
    expect(priceOf(fromA)).toBe('123.40');
  });

  test('a store changed through B shows in the next read through A', async () => {
    const vars = { id: 'store-lng-06' };
    const before = await ask(a, STORE, vars);
    // Until the seed's backlog of stores.store.changed is consumed (a new group starts at the stream's start), its
    // bumps may come between a read and the next.
    await eventually(async () => ((await counted(() => ask(a, STORE, vars))).hits === 1 ? true : null), 'a cached read of the store');
    const renamed = `${(before.json.data?.store as { name: string }).name}（新）`;
    const update = await ask(b, UPDATE_STORE, { input: { storeId: 'store-lng-06', name: renamed } }, adminToken);
    expect(update.json.data).toEqual({ updateStore: { store: { name: renamed }, userErrors: [] } });
    const after = await counted(() => ask(a, STORE, vars));
    expect(after.hits).toBe(0);
    expect((after.json.data?.store as { name: string }).name).toBe(renamed);
  });

  test('a change made on the products subgraph directly shows once its event is consumed', async () => {
    const vars = { sku: SKU, store: 'store-lng-07' };
    const cached = await ask(b, PRICE, vars);
    expect((await counted(() => ask(b, PRICE, vars))).hits).toBe(1);
    expect(priceOf(cached)).not.toBe('98.70');
    const invalidatedBefore = await productEventBumps();

    // No gateway sees this write: only products.catalog.changed can invalidate the entry (it lives 60 s otherwise).
    const direct = await postGraphQL(`http://127.0.0.1:${graph.subgraphs.products!.port}/graphql`, SET_PRICE, { input: { storeId: 'store-lng-07', skuId: SKU, price: { amount: '98.70', currency: 'CNY' } } }, signedHeaders(LNG_ADMIN));
    expect(direct.errors).toBeUndefined();

    const fresh = await eventually(async () => {
      const r = await ask(b, PRICE, vars);
      return priceOf(r) === '98.70' ? r : null;
    }, 'the direct price change to reach the cache through products.catalog.changed');
    expect(fresh.cacheControl).toBe('public, max-age=5');
    expect(await productEventBumps()).toBeGreaterThan(invalidatedBefore);
  });
});

describe('never cached', () => {
  test('a signed-in viewer: every read fetches, and the answer is private', async () => {
    const vars = { sku: SKU, store: 'store-lng-01' };
    const token = await tokenFor({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001' });
    await ask(a, PRICE, vars); // the anonymous answer is kept; a viewer never gets it
    for (let i = 0; i < 2; i++) {
      const r = await counted(() => ask(a, PRICE, vars, token));
      expect(r.json.errors).toBeUndefined();
      expect(r).toMatchObject({ hits: 0, cacheControl: 'private, no-store' });
      expect(r.fetches).toBeGreaterThan(0);
    }
  });

  test('an answer with errors: fetched every time, private', async () => {
    const query = `query($sku: ID!) { sku(id: $sku) { availability(storeId: "store-lng-01") { available onHand } } }`; // onHand needs a signed-in caller
    for (let i = 0; i < 2; i++) {
      const r = await counted(() => ask(a, query, { sku: SKU }));
      expect(r.json.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(r).toMatchObject({ hits: 0, cacheControl: 'private, no-store' });
      expect(r.fetches).toBeGreaterThan(0);
    }
  });

  test('a mutation: sent every time, private', async () => {
    const input = { storeId: 'store-lng-08', skuId: SKU, price: { amount: '111.00', currency: 'CNY' } };
    for (let i = 0; i < 2; i++) {
      const r = await counted(() => ask(b, SET_PRICE, { input }, adminToken));
      expect(r.json.data).toEqual({ setStorePrice: { storePrice: { amount: '111.00' }, userErrors: [] } });
      expect(r).toMatchObject({ hits: 0, cacheControl: 'private, no-store' });
      expect(r.fetches).toBeGreaterThan(0);
    }
  });
});

describe('in memory (no REDIS_URL), one process', () => {
  let clock = Date.now();
  let m: string;
  beforeAll(async () => {
    m = (await graph.startGateway({}, { now: () => clock })).url;
  });

  test('hits, and a mutation through this gateway invalidates at once', async () => {
    const vars = { sku: SKU, store: 'store-lng-09' };
    expect((await counted(() => ask(m, PRICE, vars))).hits).toBe(0);
    expect(await counted(() => ask(m, PRICE, vars))).toMatchObject({ hits: 1, fetches: 0 });
    await ask(m, SET_PRICE, { input: { storeId: 'store-lng-09', skuId: SKU, price: { amount: '77.70', currency: 'CNY' } } }, adminToken);
    const after = await counted(() => ask(m, PRICE, vars));
    expect(after.hits).toBe(0);
    expect(priceOf(after)).toBe('77.70');
  });

  test('stock lives RESPONSE_CACHE_STOCK_TTL_S (5 s), the catalog RESPONSE_CACHE_TTL_S (60 s)', async () => {
    const vars = { sku: SKU, store: 'store-lng-01' };
    await ask(m, STOCK, vars);
    await ask(m, PRICE, vars);
    const stock = await counted(() => ask(m, STOCK, vars));
    expect(stock).toMatchObject({ hits: 1, fetches: 0, cacheControl: 'public, max-age=5' });
    expect((await counted(() => ask(m, PRICE, vars))).hits).toBe(1);

    clock += 6_000;
    expect(await counted(() => ask(m, STOCK, vars))).toMatchObject({ hits: 0, cacheControl: 'public, max-age=5' });
    expect(await counted(() => ask(m, PRICE, vars))).toMatchObject({ hits: 1, fetches: 0 });

    clock += 60_000;
    expect((await counted(() => ask(m, PRICE, vars))).hits).toBe(0);
  });
});
