// A dead or hanging subgraph: the gateway answers the rest with partial data and one clear error, in time.
import http from 'node:http';
import { parseConfig } from '@retail/platform';
import { TEST_INTERNAL_SECRET } from '@retail/platform/testing';
import { gatewayConfigShape, startGateway } from '../gateway/src';
import { startTestGraph, TEST_JWT_SECRET, type TestGraph } from './support/graph';

const QUERY = `{ stores(first: 3, filter: { brandId: "brand-lng" }) { edges { node { id name stock(skuIds: ["none"]) { available } } } } }`;

describe('a dead subgraph', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph();
  });
  afterAll(async () => {
    await graph.close();
  });

  test('stores still answer; stock is null with SUBGRAPH_UNAVAILABLE', async () => {
    const before = await graph.query<{ stores: { edges: { node: { stock: unknown[] } }[] } }>(QUERY);
    expect(before.errors).toBeUndefined();
    expect(before.data!.stores.edges[0]!.node.stock).toHaveLength(1);

    await graph.stopSubgraph('products');
    const res = await graph.query<{ stores: { edges: { node: { id: string; name: string; stock: unknown } }[] } | null }>(QUERY);
    expect(res.status).toBe(200);
    expect(res.data).toBeTruthy();
    // stock is non-null in the contract, so the nulls bubble to the nullable parent: the edges' nodes
    const errors = res.errors ?? [];
    expect(errors.some((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && e.extensions?.serviceName === 'products')).toBe(true);
    expect(JSON.stringify(errors)).not.toMatch(/127\.0\.0\.1/);
    // a query that only needs the live subgraph is untouched
    const alive = await graph.query<{ stores: { totalCount: number } }>('{ stores(first: 2) { totalCount edges { node { name } } } }');
    expect(alive.errors).toBeUndefined();
    expect(alive.data!.stores.totalCount).toBeGreaterThan(0);
  });
});

describe('a hanging subgraph', () => {
  let graph: TestGraph;
  let hang: http.Server;
  const pending: http.ServerResponse[] = [];
  beforeAll(async () => {
    hang = http.createServer((_req, res) => void pending.push(res)); // accepts, never answers
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const port = (hang.address() as { port: number }).port;
    graph = await startTestGraph({ gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '400' } });
    // point the gateway's products at the hanging server
    await graph.gateway.stop();
    const cfg = parseConfig(gatewayConfigShape, { INTERNAL_SECRET: TEST_INTERNAL_SECRET, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', SUBGRAPH_TIMEOUT_MS: '400' });
    graph.gateway = await startGateway(cfg, {
      env: { SUBGRAPH_URL_STORES: `http://127.0.0.1:${graph.subgraphs.stores!.port}/graphql`, SUBGRAPH_URL_PRODUCTS: `http://127.0.0.1:${port}/graphql` },
    });
  });
  afterAll(async () => {
    for (const r of pending) r.destroy();
    hang.closeAllConnections();
    await new Promise<void>((r) => hang.close(() => r()));
    await graph.close();
  });

  test('the gateway gives up on it at its deadline and still answers the rest', async () => {
    const url = `http://127.0.0.1:${graph.gateway.port}/graphql`;
    const started = Date.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    const body = (await res.json()) as { data: unknown; errors: { message: string; extensions: { code: string } }[] };
    const took = Date.now() - started;
    expect(body.errors.some((e) => e.extensions.code === 'SUBGRAPH_UNAVAILABLE' && /400 ms/.test(e.message))).toBe(true);
    // bounded by the 400 ms deadline (generous margin for a loaded CI machine), not hung
    expect(took).toBeLessThan(4000);
    const alive = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ stores(first: 1) { totalCount } }' }) });
    expect(((await alive.json()) as { data: { stores: { totalCount: number } } }).data.stores.totalCount).toBeGreaterThan(0);
  });
});
