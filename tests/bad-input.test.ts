// Bad input through the gateway: typed errors, no crash, nothing written.
import { postGraphQL, signedHeaders } from '@retail/platform/testing';
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

// Client mistakes: HTTP 400 (or 200 with errors where the GraphQL-over-HTTP spec says so) with a typed
// extensions.code; never a 500, never INTERNAL_SERVER_ERROR. (tests/client-error-logs.test.ts: never an
// error-level log line; tests/graphql-over-http.test.ts: the spec's audits.)
describe('client mistakes are typed 4xx, never 500', () => {
  interface Answer {
    status: number;
    data?: unknown;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  }
  /** A POST to the gateway with any body (not only { query, variables }). */
  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(graph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, ...((await res.json()) as Omit<Answer, 'status'>) };
  }
  const codes = (a: Answer) => (a.errors ?? []).map((e) => e.extensions?.code);

  test('a syntax error is 400 GRAPHQL_PARSE_FAILED, and so is a document over the token limit', async () => {
    for (const query of ['{ stores { ', '{ stores(first: ) { totalCount } }', 'query { "x" }', `{ ${'__typename '.repeat(6000)}}`]) {
      const res = await post({ query });
      expect({ query: query.slice(0, 40), status: res.status, codes: codes(res) }).toEqual({ query: query.slice(0, 40), status: 400, codes: ['GRAPHQL_PARSE_FAILED'] });
      expect(res.data).toBeUndefined();
    }
  });

  test('an operation that cannot be resolved is 400 with a typed code', async () => {
    const unknown = await post({ query: 'query A { stores { totalCount } }', operationName: 'B' });
    expect(unknown.status).toBe(400);
    expect(codes(unknown)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(unknown.errors![0]!.message).toBe('Unknown operation named "B".');

    const unnamed = await post({ query: 'query A { stores { totalCount } } query B { products { totalCount } }' });
    expect(unnamed.status).toBe(400);
    expect(codes(unnamed)).toEqual(['OPERATION_RESOLUTION_FAILURE']);

    const twoAnonymous = await post({ query: '{ stores { totalCount } } { products { totalCount } }' });
    expect(twoAnonymous.status).toBe(400);
    expect(new Set(codes(twoAnonymous))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));

    const subscription = await post({ query: 'subscription { stores { totalCount } }' });
    expect(subscription.status).toBe(400);
    expect(codes(subscription)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(subscription.errors![0]!.message).toMatch(/subscriptions are not supported/);
  });

  test('a persisted-query extension is 400 PERSISTED_QUERY_NOT_SUPPORTED: the gateway has no APQ', async () => {
    const query = '{ stores { totalCount } }';
    for (const persistedQuery of [{ version: 1, sha256Hash: 'abc' }, { version: 2, sha256Hash: 'abc' }, { version: 1, sha256Hash: '0'.repeat(64) }]) {
      for (const body of [{ query, extensions: { persistedQuery } }, { extensions: { persistedQuery } }]) {
        const res = await post(body);
        expect({ status: res.status, codes: codes(res) }).toEqual({ status: 400, codes: ['PERSISTED_QUERY_NOT_SUPPORTED'] });
      }
    }
  });

  test('a NUL character in any string argument or variable is 400 BAD_USER_INPUT, and writes nothing', async () => {
    const guides = await count('stores.guide');
    const cases: [string, Record<string, unknown>, string?][] = [
      ['{ products(filter: { query: "a\\u0000" }) { totalCount } }', {}],
      ['query($q: String) { products(filter: { query: $q }) { totalCount } }', { q: 'a\u0000' }],
      ['query($f: StoreFilter) { stores(filter: $f) { totalCount } }', { f: { city: '上海市\u0000' } }],
      ['{ stores(filter: { city: "\\u0000" }) { totalCount } }', {}],
      ['{ store(id: "store-lng-01\\u0000") { id } }', {}],
      ['query($ids: [ID!]!) { store(id: "store-lng-01") { stock(skuIds: $ids) { available } } }', { ids: ['sku-lng-br-2401-bk-75b', 'x\u0000'] }],
      ['query($c: String) { products(first: 1, after: $c) { totalCount } }', { c: 'eyJ4IjoxfQ\u0000' }],
      ['mutation($i: CreateGuideInput!) { createGuide(input: $i) { guide { id } userErrors { code } } }', { i: { storeId: 'store-lng-01', name: '王\u0000芳' } }, admin],
      ['mutation { createGuide(input: { storeId: "store-lng-01", name: "王\\u0000芳" }) { guide { id } userErrors { code } } }', {}, admin],
    ];
    for (const [query, variables, token] of cases) {
      const res = await post({ query, variables }, token ? { authorization: `Bearer ${token}` } : {});
      expect({ query, status: res.status, codes: codes(res) }).toEqual({ query, status: 400, codes: ['BAD_USER_INPUT'] });
      expect(res.errors![0]!.message).toMatch(/NUL character/);
    }
    expect(await count('stores.guide')).toBe(guides);
  });

  test('every subgraph refuses a NUL character itself, whoever calls it (the platform request guard)', async () => {
    const cases: Record<string, [string, Record<string, unknown>][]> = {
      products: [
        ['{ products(filter: { query: "a\\u0000" }) { totalCount } }', {}],
        ['query($q: String) { products(filter: { query: $q }) { totalCount } }', { q: 'a\u0000' }],
      ],
      stores: [
        ['query($c: String) { stores(filter: { city: $c }) { totalCount } }', { c: 'x\u0000' }],
        ['{ guide(id: "\\u0000") { id } }', {}],
      ],
    };
    for (const [name, queries] of Object.entries(cases)) {
      const url = `http://127.0.0.1:${graph.subgraphs[name]!.port}/graphql`;
      for (const [query, variables] of queries) {
        const res = await postGraphQL(url, query, variables, signedHeaders({ role: 'PLATFORM_ADMIN', scopes: ['stores:admin', 'catalog:admin'] }));
        expect({ name, query, status: res.status, codes: (res.errors ?? []).map((e) => e.extensions?.code) }).toEqual({ name, query, status: 400, codes: ['BAD_USER_INPUT'] });
      }
    }
  });

  test("a value only a subgraph can check reaches the client as that subgraph's typed error, not SUBGRAPH_UNAVAILABLE", async () => {
    const guides = await count('stores.guide');
    const literal = await graph.query(`mutation { createGuide(input: { storeId: "store-lng-01", name: "x", joinedAt: "bad" }) { guide { id } userErrors { code } } }`, {}, admin);
    const variable = await graph.query(
      `mutation($d: DateTime) { createGuide(input: { storeId: "store-lng-01", name: "x", joinedAt: $d }) { guide { id } userErrors { code } } }`,
      { d: '2024-02-30T10:00:00+08:00' }, // no such day: refused, not rolled over to March 1
      admin,
    );
    for (const res of [literal, variable]) {
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', serviceName: 'stores' });
      expect(res.errors![0]!.message).toMatch(/DateTime must be an ISO 8601 date-time with offset/);
      expect(JSON.stringify(res)).not.toMatch(/SUBGRAPH_UNAVAILABLE|127\.0\.0\.1|HTTP 400/);
      expect(res.data ?? null).toBeNull();
    }
    expect(await count('stores.guide')).toBe(guides);
  });

  test('an unknown store in Sku.availability is a NOT_FOUND error at its path, not a silent null', async () => {
    const res = await graph.query(`{ sku(id: "sku-lng-br-2401-bk-75b") { availability(storeId: "nope") { store { name } } } }`);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ sku: null });
    expect(res.errors).toEqual([
      {
        message: 'the Store at sku.availability.store was not found (unknown id, or not visible to you)',
        path: ['sku', 'availability', 'store', 'name'],
        extensions: { code: 'NOT_FOUND' },
      },
    ]);
    expect(JSON.stringify(res)).not.toMatch(/valueCompletion|INVALID_GRAPHQL/);
    // a known store still answers, without errors
    const known = await graph.query(`{ sku(id: "sku-lng-br-2401-bk-75b") { availability(storeId: "store-lng-01") { store { name } available } } }`);
    expect(known.errors).toBeUndefined();
  });

  test('an unknown path is 404 with a typed GraphQL error body', async () => {
    for (const url of [graph.gatewayUrl.replace(/\/graphql$/, '/nope'), `http://127.0.0.1:${graph.subgraphs.stores!.port}/nope`]) {
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
    }
  });
});
