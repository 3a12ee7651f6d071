// The query-cost rule through the gateway: list arguments and unpaged lists count, so the ~900 KB anonymous
// query is refused before any subgraph runs, while short lists and the documented queries are answered.
import fs from 'node:fs';
import path from 'node:path';
import { SCENARIOS } from '../bench/scenarios';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

let graph: TestGraph;
let skuIds: string[];
beforeAll(async () => {
  graph = await startTestGraph();
  const p = await graph.query<{ products: { edges: { node: { skus: { id: string }[] } }[] } }>(`{ products(first: 3, filter: { brandId: "brand-lng" }) { edges { node { skus { id } } } } }`);
  skuIds = p.data!.products.edges.flatMap((e) => e.node.skus.map((s) => s.id));
  expect(skuIds.length).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await graph.close();
});

const FAN_OUT = `query($skus: [ID!]!) { stores(first: 100) { edges { node { stock(skuIds: $skus) {
  sku { product { skus { availability(storeId: "store-lng-01") { available } } } } } } } } }`;

test('100 SKU ids under 100 stores, each listing its product’s SKUs and their stock, is refused with HTTP 400', async () => {
  const ids = Array.from({ length: 100 }, (_, i) => skuIds[i % skuIds.length]!);
  const literal = FAN_OUT.replace('query($skus: [ID!]!) ', '').replace('$skus', JSON.stringify(ids));
  for (const res of [await graph.query(literal), await graph.query(FAN_OUT, { skus: ids })]) {
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_EXPENSIVE');
    expect(res.data ?? null).toBeNull();
  }
});

test('the same query with two SKU ids on a page of 20 stores is answered', async () => {
  const res = await graph.query<{ stores: { edges: { node: { stock: { sku: { product: { skus: unknown[] } } }[] } }[] } }>(
    `{ stores(first: 20) { edges { node { stock(skuIds: ${JSON.stringify(skuIds.slice(0, 2))}) {
      sku { product { skus { availability(storeId: "store-lng-01") { available } } } } } } } } }`,
  );
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  expect(res.data!.stores.edges.length).toBeGreaterThan(0);
  expect(res.data!.stores.edges[0]!.node.stock).toHaveLength(2);
});

test('the README example queries and the bench scenarios are answered without errors', async () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
  const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!.replaceAll('<sku id>', skuIds[0]!)).filter((q) => !q.startsWith('mutation'));
  expect(examples.length).toBeGreaterThanOrEqual(3);
  const franchisee = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  for (const q of examples) {
    const res = await graph.query(q, { skus: skuIds.slice(0, 5) }, q.includes('viewer') ? franchisee : undefined);
    expect([q, res.status, res.errors]).toEqual([q, 200, undefined]);
  }
  expect(SCENARIOS.length).toBeGreaterThanOrEqual(4);
  for (const s of SCENARIOS) {
    const token = s.as ? await tokenFor(s.as) : undefined;
    // A write scenario makes its own variables (a fresh quote to commit) and must not answer userErrors either.
    const prepared = s.prepare ? await s.prepare((q, v) => graph.query(q, v, token)) : {};
    const res = await graph.query(s.query, { skus: skuIds.slice(0, 5), ...(s.variables ?? s.variablesPerRequest?.(0)), ...prepared }, token);
    expect([s.name, res.status, res.errors]).toEqual([s.name, 200, undefined]);
    if (s.prepare) expect(JSON.stringify(res.data)).toContain('"userErrors":[]');
  }
});
