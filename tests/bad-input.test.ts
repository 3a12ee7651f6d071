// Bad input through the gateway: typed errors, no crash, nothing written.
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

let graph: TestGraph;
let admin: string;
beforeAll(async () => {
  graph = await startTestGraph({ gatewayEnv: { RATE_LIMIT_PER_MINUTE: '100000' } });
  admin = await tokenFor({ role: 'PLATFORM_ADMIN', scopes: ['stores:admin', 'catalog:admin'] });
});
afterAll(async () => {
  await graph.close();
});

const count = async (table: string) => Number((await graph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

test('unknown ids are null, not errors, on public and private roots', async () => {
  const res = await graph.query(`{ store(id: "nope") { id } product(id: "nope") { id } sku(id: "nope") { id } guide(id: "nope") { id } franchisee(id: "nope") { id } brand(id: "nope") { id } }`, {}, admin);
  expect(res.errors).toBeUndefined();
  expect(res.data).toEqual({ store: null, product: null, sku: null, guide: null, franchisee: null, brand: null });
});

test('a malformed cursor is BAD_USER_INPUT on every list', async () => {
  for (const q of [`{ stores(after: "garbage!") { totalCount } }`, `{ products(after: "eyJ4IjoxfQ") { totalCount } }`]) {
    const res = await graph.query(q);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }
});

test('first: 100000 is clamped to 100, first: -5 to 1', async () => {
  const big = await graph.query<{ products: { edges: unknown[] } }>(`{ products(first: 100000) { edges { cursor } } }`, {}, admin);
  expect(big.errors).toBeUndefined();
  expect(big.data!.products.edges.length).toBeLessThanOrEqual(100);
  const neg = await graph.query<{ stores: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>(`{ stores(first: -5) { edges { cursor } pageInfo { hasNextPage } } }`);
  expect(neg.data!.stores.edges).toHaveLength(1);
  expect(neg.data!.stores.pageInfo.hasNextPage).toBe(true);
});

test('invalid opening hours are userErrors with field paths and write nothing', async () => {
  const before = await graph.query<{ store: { openingHours: unknown[] } }>(`{ store(id: "store-lng-01") { openingHours { dayOfWeek opens closes } } }`);
  const bad = [
    [{ dayOfWeek: 'MONDAY', opens: '10:00', closes: '09:00' }],
    [{ dayOfWeek: 'MONDAY', opens: '25:00', closes: '26:00' }],
    [{ dayOfWeek: 'MONDAY', opens: '10:00', closes: '14:00' }, { dayOfWeek: 'MONDAY', opens: '13:00', closes: '18:00' }],
    [{ dayOfWeek: 'MONDAY', opens: '1000', closes: '18:00' }],
  ];
  for (const hours of bad) {
    const res = await graph.query<{ setStoreOpeningHours: { store: unknown; userErrors: { code: string; field: string[] }[] } }>(
      `mutation($i: SetStoreOpeningHoursInput!) { setStoreOpeningHours(input: $i) { store { id } userErrors { code field message } } }`,
      { i: { storeId: 'store-lng-01', openingHours: hours } },
      admin,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.setStoreOpeningHours.store).toBeNull();
    expect(res.data!.setStoreOpeningHours.userErrors[0]!.code).toBe('INVALID_INPUT');
    expect(res.data!.setStoreOpeningHours.userErrors[0]!.field.slice(0, 2)).toEqual(['input', 'openingHours']);
  }
  const after = await graph.query<{ store: { openingHours: unknown[] } }>(`{ store(id: "store-lng-01") { openingHours { dayOfWeek opens closes } } }`);
  expect(after.data).toEqual(before.data);
});

test('an invalid enum or a wrong variable type is rejected before any subgraph runs', async () => {
  const res = await graph.query(`query($f: StoreFilter) { stores(filter: $f) { totalCount } }`, { f: { status: 'HALF_OPEN' } });
  expect(res.status).toBe(400);
  expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

test('unknown ids in mutations are NOT_FOUND userErrors and write nothing', async () => {
  const stores = await count('stores.store');
  const res = await graph.query<{ createStore: { store: unknown; userErrors: { code: string }[] } }>(
    `mutation($i: CreateStoreInput!) { createStore(input: $i) { store { id } userErrors { code field message } } }`,
    { i: { brandId: 'brand-lng', franchiseeId: 'no-such-operator', code: 'LNG-NEW-1', name: '新店', kind: 'FRANCHISE', address: { province: '上海市', city: '上海市', line: '南京西路1号' } } },
    admin,
  );
  expect(res.data!.createStore.store).toBeNull();
  expect(res.data!.createStore.userErrors[0]!.code).toBe('NOT_FOUND');
  expect(await count('stores.store')).toBe(stores);
});

test('mutations need a token and the right scope', async () => {
  const m = `mutation { createFranchisee(input: { brandId: "brand-lng", name: "x", kind: FRANCHISE }) { franchisee { id } userErrors { code } } }`;
  const anon = await graph.query(m);
  expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  const noScope = await graph.query(m, {}, await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng' }));
  expect(noScope.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

test('too deep a query is refused by the gateway', async () => {
  const deep = `{ stores { edges { node { brand { franchisees { edges { node { stores { edges { node { brand { franchisees { edges { node { stores { edges { node { id } } } } } } } } } } } } } } } } } }`;
  const res = await graph.query(deep, {}, admin);
  expect(res.errors?.[0]?.message).toMatch(/depth/i);
  expect(res.data ?? null).toBeNull();
});

test('nested pages multiply in the cost estimate: a query that would fan out to millions of rows is refused', async () => {
  const fanOut = `{ brands(first: 100) { edges { node { franchisees(first: 100) { edges { node { stores(first: 100) { edges { node { id name } } } } } } } } } }`;
  const res = await graph.query(fanOut, {}, admin);
  expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
  expect(res.data ?? null).toBeNull();
});
