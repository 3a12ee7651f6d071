// Efficiency is a count, not a time: statements and subgraph fetches per request do not grow with the list.
import { subgraphFetches } from '@retail/platform';
import { requestSqlStatements } from '@retail/platform/testing';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

let graph: TestGraph;
let admin: string;
beforeAll(async () => {
  graph = await startTestGraph();
  admin = await tokenFor({ role: 'PLATFORM_ADMIN' });
});
afterAll(async () => {
  await graph.close();
});

async function fetchesSoFar(): Promise<number> {
  return (await subgraphFetches.get()).values.reduce((s, v) => s + v.value, 0);
}

async function measure(query: string, variables: Record<string, unknown>, token?: string) {
  const sql0 = await requestSqlStatements();
  const fetch0 = await fetchesSoFar();
  const res = await graph.query(query, variables, token);
  expect(res.errors).toBeUndefined();
  return { res, sql: (await requestSqlStatements()) - sql0, fetches: (await fetchesSoFar()) - fetch0 };
}

const STORES_WITH_CATALOG = `query($n: Int!, $skus: [ID!]!) {
  stores(first: $n) { totalCount edges { node {
    id name brand { name } franchisee { name kind } openingHours { dayOfWeek opens }
    guides(first: 5) { totalCount edges { node { name status } } }
    stock(skuIds: $skus) { available onHand sku { code listPrice { amount } } }
  } } } }`;

test('a store list with operators, guides, stock and prices costs the same statements for 3 and 20 stores', async () => {
  const p = await graph.query<{ products: { edges: { node: { skus: { id: string }[] } }[] } }>(`{ products(first: 3) { edges { node { skus { id } } } } }`, {}, admin);
  const skus = p.data!.products.edges.flatMap((e) => e.node.skus.map((s) => s.id)).slice(0, 5);
  const small = await measure(STORES_WITH_CATALOG, { n: 3, skus }, admin);
  const large = await measure(STORES_WITH_CATALOG, { n: 20, skus }, admin);
  expect((large.res.data as { stores: { edges: unknown[] } }).stores.edges).toHaveLength(20);
  expect(large.sql).toBe(small.sql);
  expect(large.fetches).toBe(small.fetches);
  // pinned: a change that adds a statement here should be a conscious one
  expect(large.sql).toBeLessThanOrEqual(12);
  expect(large.fetches).toBe(2); // stores, then products for stock and SKUs
});

test('a catalog search with per-store prices costs the same statements for 2 and 20 products', async () => {
  const q = `query($n: Int!) { products(first: $n, filter: { brandId: "brand-lng" }) { totalCount edges { node {
    title skus { code listPrice { amount } storePrice(storeId: "store-lng-01") { amount } availability(storeId: "store-lng-01") { available store { name } } } } } } }`;
  const small = await measure(q, { n: 2 });
  const large = await measure(q, { n: 20 });
  expect(large.sql).toBe(small.sql);
  expect(large.fetches).toBe(small.fetches);
  expect(large.sql).toBeLessThanOrEqual(8);
});

const MEMBERS_WITH_GUIDE_STORE_TIER = `query($n: Int!) { members(first: $n) { totalCount edges { node {
  id oneId phoneMasked tier { code name rank } brand { name } homeStore { id name } guide { id name status } joinSource { channel store { name } } } } } }`;

test('a member list with guide, home store and tier costs the same statements and fetches for 5 and 50 members', async () => {
  const small = await measure(MEMBERS_WITH_GUIDE_STORE_TIER, { n: 5 }, admin);
  const large = await measure(MEMBERS_WITH_GUIDE_STORE_TIER, { n: 50 }, admin);
  const edges = (large.res.data as { members: { edges: { node: { guide: { name: string } | null; homeStore: { name: string } | null } }[] } }).members.edges;
  expect(edges).toHaveLength(50);
  expect(edges.some((e) => e.node.guide?.name && e.node.homeStore?.name)).toBe(true);
  expect(large.sql).toBe(small.sql);
  expect(large.fetches).toBe(small.fetches);
  // members, then stores once per entity path (brand, homeStore, guide, joinSource.store), in parallel: the gateway
  // batches those entity fetches of one request into one stores call (docs/architecture.md §3): 2 real fetches, not 5
  expect(large.fetches).toBe(2);
  expect(large.sql).toBeLessThanOrEqual(6);
});

test("stores with their members cost the same statements for 3 and 20 stores (Store.members across subgraphs)", async () => {
  const q = `query($n: Int!) { stores(first: $n) { edges { node { id name members(first: 5) { totalCount edges { node { id tier { code } guide { name } } } } } } } }`;
  const small = await measure(q, { n: 3 }, admin);
  const large = await measure(q, { n: 20 }, admin);
  expect(large.sql).toBe(small.sql);
  expect(large.fetches).toBe(small.fetches);
  expect(large.fetches).toBe(3); // stores, members, stores again for the guides
});
