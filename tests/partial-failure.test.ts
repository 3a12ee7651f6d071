// A dead or hanging subgraph: the gateway answers the rest with partial data and one clear error, in time.
import http from 'node:http';
import { parseConfig } from '@retail/platform';
import { TEST_INTERNAL_SECRET } from '@retail/platform/testing';
import { gatewayConfigShape, startGateway } from '../gateway/src';
import { startTestGraph, TEST_JWT_SECRET, type TestGraph } from './support/graph';

const QUERY = `{ stores(first: 3, filter: { brandId: "brand-lng" }) { edges { node { id name stock(skuIds: ["sku-lng-br-2401-bk-75b"]) { available } } } } }`;

describe('a dead subgraph', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    // The public response cache would answer the repeated anonymous reads below while products is down.
    graph = await startTestGraph({ gatewayEnv: { RESPONSE_CACHE: 'off' } });
  });
  afterAll(async () => {
    await graph.close();
  });

  test('the other fields still answer; the dead one is null with SUBGRAPH_UNAVAILABLE', async () => {
    const MIXED = `{ stores(first: 3, filter: { brandId: "brand-lng" }) { edges { node { id name } } } sku(id: "sku-lng-br-2401-bk-75b") { code } }`;
    const before = await graph.query<{ sku: { code: string } | null }>(MIXED);
    expect(before.errors).toBeUndefined();
    expect(before.data!.sku).not.toBeNull();

    await graph.stopSubgraph('products');
    const res = await graph.query<{ stores: { edges: { node: { name: string } }[] }; sku: unknown }>(MIXED);
    expect(res.status).toBe(200);
    expect(res.data!.stores.edges).toHaveLength(3);
    expect(res.data!.sku).toBeNull();
    const errors = res.errors ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'products' });
    expect(JSON.stringify(errors)).not.toMatch(/127\.0\.0\.1/);

    // the store finder keeps its stores: Store.stock, which products adds to stores' entity, is nullable
    // (a field a subgraph adds to another's entity always is), so only it is null, with a typed error
    const nested = await graph.query<{ stores: { edges: { node: { name: string; stock: unknown } }[] } }>(QUERY);
    expect(nested.data!.stores.edges).toHaveLength(3);
    for (const e of nested.data!.stores.edges) expect(e.node).toEqual({ id: expect.any(String), name: expect.any(String), stock: null });
    expect(nested.errors?.some((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);
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
