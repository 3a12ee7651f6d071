// The gateway's query-cost rule on the served API schema, with graphql's own validate(): list arguments and
// unpaged lists multiply like pages do, and every documented, benchmarked and tested query stays accepted.
import fs from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, getIntrospectionQuery, parse, specifiedRules, validate, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { parseConfig } from '@retail/platform';
import { gatewayConfigShape } from '../src/config';
import { UNPAGED_LIST_ESTIMATE, VARIABLE_LIST_LENGTH, operationCost, queryCostRule } from '../src/query-cost';
import { SCENARIOS } from '../../bench/scenarios';

const ROOT = path.resolve(__dirname, '../..');
const schema = Supergraph.build(fs.readFileSync(path.join(ROOT, 'schema/supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();
const MAX_QUERY_COST = parseConfig(gatewayConfigShape, {}).MAX_QUERY_COST;
const SKU = 'sku-lng-br-2401-bk-75b';

const idList = (n: number) => `[${Array.from({ length: n }, (_, i) => `"sku-${i}"`).join(', ')}]`;

/** The finding: one anonymous query that answered ~900 KB. */
const HUNDRED_IDS_UNDER_HUNDRED_STORES = `{ stores(first: 100) { edges { node { stock(skuIds: ${idList(100)}) {
  sku { product { skus { availability(storeId: "store-lng-01") { available } } } } } } } } }`;

function cost(query: string): number {
  const doc = parse(query);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) throw new Error('no operation');
  return operationCost(schema, op, (name) => fragments.get(name));
}

/** Every validation error of the query, graphql's rules and the cost rule at the default MAX_QUERY_COST. */
function check(query: string) {
  return validate(schema, parse(query), [...specifiedRules, queryCostRule(MAX_QUERY_COST)]).map((e) => ({ message: e.message, code: e.extensions.code }));
}

describe('the cost formula', () => {
  test('a field costs the number of parents it is asked for; a page multiplies by first, edges/nodes are that page', () => {
    // stores 1 + edges 3 + node 3 + id 3
    expect(cost(`{ stores(first: 3) { edges { node { id } } } }`)).toBe(10);
    // first is clamped like the subgraphs clamp it, and defaults to the schema's 20
    expect(cost(`{ stores(first: 100000) { edges { node { id } } } }`)).toBe(cost(`{ stores(first: 100) { edges { node { id } } } }`));
    expect(cost(`{ stores(first: -5) { edges { node { id } } } }`)).toBe(cost(`{ stores(first: 1) { edges { node { id } } } }`));
    expect(cost(`{ stores { edges { node { id } } } }`)).toBe(cost(`{ stores(first: 20) { edges { node { id } } } }`));
    expect(cost(`query($n: Int) { stores(first: $n) { edges { node { id } } } }`)).toBe(cost(`{ stores(first: 100) { edges { node { id } } } }`));
  });

  test('a list argument multiplies by its length: literal, or 100 for a variable', () => {
    // store 1 + stock 1 + available 2
    expect(cost(`{ store(id: "s") { stock(skuIds: ["a", "b"]) { available } } }`)).toBe(4);
    expect(cost(`{ store(id: "s") { stock(skuIds: ${idList(100)}) { available } } }`)).toBe(102);
    expect(cost(`query($a: ID!) { store(id: "s") { stock(skuIds: [$a, "b", "c"]) { available } } }`)).toBe(5);
    expect(cost(`{ store(id: "s") { stock(skuIds: "a") { available } } }`)).toBe(3); // coerced to a list of one
    expect(VARIABLE_LIST_LENGTH).toBe(100);
    expect(cost(`query($s: [ID!]!) { store(id: "s") { stock(skuIds: $s) { available } } }`)).toBe(2 + VARIABLE_LIST_LENGTH);
  });

  test(`an unpaged list counts ${UNPAGED_LIST_ESTIMATE} items per parent`, () => {
    expect(UNPAGED_LIST_ESTIMATE).toBe(10);
    // product 1 + skus 1 + code 10 + attributes 10 + name 100
    expect(cost(`{ product(id: "p") { skus { code attributes { name } } } }`)).toBe(122);
    // store 1 + openingHours 1 + opens 10
    expect(cost(`{ store(id: "s") { openingHours { opens } } }`)).toBe(12);
  });

  test('fragments and inline fragments count where they are spread', () => {
    const spread = `fragment S on Store { openingHours { opens } } { stores(first: 2) { edges { node { ...S ... on Store { stock(skuIds: ["a"]) { available } } } } } }`;
    // stores 1 + edges 2 + node 2 + openingHours 2 + opens 20 + stock 2 + available 2
    expect(cost(spread)).toBe(31);
  });
});

describe('refused with QUERY_TOO_EXPENSIVE', () => {
  test('the finding: 100 SKU ids under 100 stores, each SKU listing its product’s SKUs and their stock', () => {
    expect(cost(HUNDRED_IDS_UNDER_HUNDRED_STORES)).toBeGreaterThan(MAX_QUERY_COST);
    expect(check(HUNDRED_IDS_UNDER_HUNDRED_STORES)).toEqual([{ message: expect.stringMatching(/^query too expensive/), code: 'QUERY_TOO_EXPENSIVE' }]);
  });

  test('the same with the ids in a variable', () => {
    const q = `query($s: [ID!]!) { stores(first: 100) { edges { node { stock(skuIds: $s) { sku { product { skus { availability(storeId: "store-lng-01") { available } } } } } } } } }`;
    expect(check(q).map((e) => e.code)).toEqual(['QUERY_TOO_EXPENSIVE']);
  });

  test('nested pages that would fan out to millions of rows (unchanged)', () => {
    const q = `{ brands(first: 100) { edges { node { franchisees(first: 100) { edges { node { stores(first: 100) { edges { node { id name } } } } } } } } } }`;
    expect(check(q).map((e) => e.code)).toEqual(['QUERY_TOO_EXPENSIVE']);
  });
});

describe('accepted at the default MAX_QUERY_COST', () => {
  test('a short skuIds list under a page of stores', () => {
    expect(check(`{ stores(first: 100) { edges { node { stock(skuIds: ["${SKU}", "sku-2"]) { available sku { code product { title skus { code } } } } } } } }`)).toEqual([]);
  });

  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!.replaceAll('<sku id>', SKU));
  test('the README has example queries', () => expect(examples.length).toBeGreaterThanOrEqual(5));
  test.each(examples.map((q) => [q.split('\n')[0]!, q] as const))('README example %s', (_first, q) => {
    expect(check(q)).toEqual([]);
  });

  const bench = SCENARIOS.map((s) => s.query);
  test('bench/scenarios.ts has scenarios', () => expect(bench.length).toBeGreaterThanOrEqual(4));
  test.each(bench.map((q) => [q.slice(0, 60), q] as const))('bench scenario %s…', (_start, q) => {
    expect(check(q)).toEqual([]);
  });

  // The queries the end-to-end tests send (their variables can be anything: a variable counts at its maximum).
  test.each([
    ['sql-count: stores with operators, guides, stock and prices', `query($n: Int!, $skus: [ID!]!) {
  stores(first: $n) { totalCount edges { node {
    id name brand { name } franchisee { name kind } openingHours { dayOfWeek opens }
    guides(first: 5) { totalCount edges { node { name status } } }
    stock(skuIds: $skus) { available onHand sku { code listPrice { amount } } }
  } } } }`],
    ['sql-count: catalog search with per-store prices', `query($n: Int!) { products(first: $n, filter: { brandId: "brand-lng" }) { totalCount edges { node {
    title skus { code listPrice { amount } storePrice(storeId: "store-lng-01") { amount } availability(storeId: "store-lng-01") { available store { name } } } } } } }`],
    ['sql-count: SKU ids', `{ products(first: 3) { edges { node { skus { id } } } } }`],
    ['fencing: store list', `query($f: StoreFilter) { stores(filter: $f, first: 100) { totalCount edges { node { id name franchisee { id } } } } }`],
    ['fencing: store with guides', `query($id: ID!) { store(id: $id) { id name address { city line } openingHours { dayOfWeek opens closes } pickupEnabled franchisee { id } guides { totalCount edges { node { id name } } } } }`],
    ['fencing: availability across subgraphs', `query($sku: ID!, $store: ID!) { sku(id: $sku) { availability(storeId: $store) { available store { id name guides { totalCount } } } } }`],
    ['embedded-start: stores with stock', `query($skus: [ID!]!) { stores(first: 5, filter: { brandId: "brand-lng" }) { edges { node { id name address { city } openingHours { dayOfWeek opens closes } pickupEnabled stock(skuIds: $skus) { available sku { code listPrice { amount currency } storePrice(storeId: "store-lng-01") { amount } } } } } } }`],
    ['production-start: store finder', `{ stores(first: 5, filter: { brandId: "brand-lng" }) { totalCount edges { node { id name openingHours { dayOfWeek opens closes } stock(skuIds: ["${SKU}"]) { available } } } } }`],
    ['production-start: introspection', getIntrospectionQuery()],
  ])('%s', (_name, q) => {
    expect(check(q)).toEqual([]);
  });
});
