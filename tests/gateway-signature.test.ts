// Nobody goes around the gateway: every subgraph refuses unsigned, forged and replayed requests, and a
// header the gateway signed serves only the one request it was made for.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { createLogger, makeViewer, parseConfig, signDevToken, signViewer, verifyViewerHeader, VIEWER_HEADER } from '@retail/platform';
import { TEST_INTERNAL_SECRET, postGraphQL, signedHeaders } from '@retail/platform/testing';
import { gatewayConfigShape, startGateway, type RunningGateway } from '../gateway/src';
import { VIEWER_TO_SIGN_HEADER } from '../gateway/src/fetcher';
import { SUBGRAPHS } from '@retail/graph';
import { startTestGraph, TEST_JWT_SECRET, type TestGraph } from './support/graph';

let graph: TestGraph;

beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});

const SERVICE = '{ _service { sdl } }';
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
// The signature is checked before anything is parsed, so any representation does.
const reps = (name: string) => [{ __typename: name === 'products' ? 'Product' : 'Store', id: 'store-lng-01' }];

test.each(SUBGRAPHS.map((s) => s.name))('%s answers 401 without the gateway signature', async (name) => {
  const url = `http://127.0.0.1:${graph.subgraphs[name]!.port}/graphql`;
  for (const [q, v] of [[SERVICE, {}], [ENTITIES, { r: reps(name) }], ['{ __typename }', {}]] as const) {
    const res = await postGraphQL(url, q, v);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeUndefined();
  }
});

test.each(SUBGRAPHS.map((s) => s.name))('%s answers 401 to a forged or replayed signature', async (name) => {
  const url = `http://127.0.0.1:${graph.subgraphs[name]!.port}/graphql`;
  const admin = makeViewer({ role: 'PLATFORM_ADMIN' });
  const forged = { [VIEWER_HEADER]: signViewer(admin, 'not-the-internal-secret-at-all', { method: 'POST', path: '/graphql', body: JSON.stringify({ query: SERVICE, variables: {} }) }) };
  expect((await postGraphQL(url, SERVICE, {}, forged)).status).toBe(401);
  const replayed = signedHeaders({ role: 'PLATFORM_ADMIN' }, TEST_INTERNAL_SECRET, Date.now() - 61_000);
  expect((await postGraphQL(url, SERVICE, {}, replayed)).status).toBe(401);
  expect((await postGraphQL(url, ENTITIES, { r: reps(name) }, replayed)).status).toBe(401);
  // the same request freshly signed is served: the 401s above are the signature's doing
  const fresh = await postGraphQL<{ _service: { sdl: string } }>(url, SERVICE, {}, signedHeaders({ role: 'PLATFORM_ADMIN' }));
  expect(fresh.status).toBe(200);
  expect(fresh.data!._service.sdl).toContain('type Query');
});

test('a forged, expired or malformed JWT at the gateway is UNAUTHENTICATED, never anonymous', async () => {
  const forged = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: 'some-other-secret-0123456789abcdef' });
  const expired = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET, ttlSeconds: -120 });
  for (const token of [forged, expired, 'not.a.jwt', 'abc']) {
    const res = await graph.query('{ stores(first: 1) { totalCount } }', {}, token);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }
  const unsignedRole = await signDevToken({ role: 'FRANCHISEE', brandId: 'brand-lng' }, { secret: TEST_JWT_SECRET });
  const res = await graph.query('{ stores(first: 1) { totalCount } }', {}, unsignedRole);
  expect(res.status).toBe(401);
  expect(res.errors?.[0]?.message).toMatch(/franchiseeId/);
});

/** One gateway→subgraph call as it went over the wire. */
interface Captured {
  subgraph: string;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
}

describe('what the gateway signs', () => {
  const captured: Captured[] = [];
  const proxies: http.Server[] = [];
  let gateway: RunningGateway;
  let gatewayUrl: string;

  /** Forwards to a subgraph unchanged, recording each call (method, path, headers, exact body bytes). */
  const recordingProxy = (subgraph: string, port: number) =>
    http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const call: Captured = { subgraph, method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status: 0 };
        captured.push(call);
        const out = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent: false }, (upstream) => {
          call.status = upstream.statusCode ?? 0;
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        });
        out.on('error', () => res.destroy());
        out.end(body);
      });
    });

  beforeAll(async () => {
    const env: Record<string, string> = {};
    for (const [name, sg] of Object.entries(graph.subgraphs)) {
      const proxy = recordingProxy(name, sg.port);
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      proxies.push(proxy);
      env[`SUBGRAPH_URL_${name.toUpperCase()}`] = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/graphql`;
    }
    const config = parseConfig(gatewayConfigShape, { INTERNAL_SECRET: TEST_INTERNAL_SECRET, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1' });
    gateway = await startGateway(config, { env, logger: createLogger('gateway', 'silent') });
    gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;
  });
  afterAll(async () => {
    await gateway?.stop();
    for (const p of proxies) {
      p.closeAllConnections();
      await new Promise<void>((r) => p.close(() => r()));
    }
  });

  // stores, then products (_entities for Store.stock): two subgraph calls, two signatures
  const STORES_WITH_STOCK = `query($sku: ID!) { stores(first: 5) { edges { node { id name stock(skuIds: [$sku]) { available } } } } }`;
  const VARS = { sku: 'sku-lng-br-2403-wh-70b' };
  const viaGateway = async (token?: string) => {
    captured.length = 0;
    const res = await postGraphQL<{ stores: { edges: { node: { id: string } }[] } }>(gatewayUrl, STORES_WITH_STOCK, VARS, token ? { authorization: `Bearer ${token}` } : {});
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    return { res, calls: [...captured] };
  };

  test.each([
    ['a franchisee', { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' }],
    ['an anonymous caller', { role: 'ANONYMOUS' }],
  ] as const)('signs each call of %s once, over its method, path and the exact body bytes sent', async (_label, who) => {
    const token = who.role === 'ANONYMOUS' ? undefined : await signDevToken(who, { secret: TEST_JWT_SECRET });
    const { calls } = await viaGateway(token);
    expect(calls.map((c) => c.subgraph).sort()).toEqual(['products', 'stores']);
    for (const call of calls) {
      expect(call.status).toBe(200);
      expect(call.headers[VIEWER_TO_SIGN_HEADER]).toBeUndefined(); // the unsigned viewer never leaves the gateway
      const header = call.headers[VIEWER_HEADER];
      expect(typeof header).toBe('string');
      const check = verifyViewerHeader(header as string, TEST_INTERNAL_SECRET, 30, { method: call.method, path: call.path, body: call.body });
      expect(check).toEqual({ ok: true, viewer: expect.objectContaining({ role: who.role }) });
      if (who.role === 'FRANCHISEE') expect(check.ok && check.viewer.franchiseeId).toBe('fr-lng-a');
    }
  });

  test('a header captured from the gateway is refused (401) for another body, path or method, and served for its own request', async () => {
    const token = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET });
    const { calls } = await viaGateway(token);
    for (const call of calls) {
      const url = `http://127.0.0.1:${graph.subgraphs[call.subgraph]!.port}`;
      const headers = { 'content-type': 'application/json', [VIEWER_HEADER]: call.headers[VIEWER_HEADER] as string };
      const send = (path: string, body: string | Buffer, method = 'POST') => fetch(`${url}${path}`, { method, headers, body: method === 'GET' ? undefined : body });
      const original = JSON.parse(call.body.toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      // the platform admin's header with another operation, other variables, one byte more
      const other = [
        JSON.stringify({ query: SERVICE }),
        JSON.stringify({ ...original, variables: { ...original.variables, extra: 1 } }),
        Buffer.concat([call.body, Buffer.from(' ')]),
      ];
      for (const body of other) {
        const res = await send('/graphql', body);
        expect([call.subgraph, res.status]).toEqual([call.subgraph, 401]);
        expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
      }
      expect((await send('/graphql?x=1', call.body)).status).toBe(401);
      expect((await send(`/graphql?query=${encodeURIComponent(SERVICE)}`, '', 'GET')).status).toBe(401);
      // the very request it was made for is still served within the window: the 401s are the binding's doing
      const replayed = await send('/graphql', call.body);
      expect([call.subgraph, replayed.status]).toEqual([call.subgraph, 200]);
      await replayed.text();
    }
  });
});

test('the internal mutations are not in the public graph, and refuse a signed non-SERVICE caller at the subgraph', async () => {
  const token = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET });
  const RESERVE = `mutation { reserveStock(input: { idempotencyKey: "k-1", storeId: "store-lng-09", orderId: "o-1", lines: [{ skuId: "sku-lng-br-2403-wh-70b", quantity: 1 }] }) { reservation { id } } }`;
  const RELEASE = `mutation { releaseStock(input: { idempotencyKey: "k-2", reservationId: "r-1", outcome: RETURN }) { reservation { id } } }`;
  for (const q of [RESERVE, RELEASE]) {
    const res = await graph.query(q, {}, token);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const direct = await postGraphQL(`http://127.0.0.1:${graph.subgraphs.products!.port}/graphql`, q, {}, signedHeaders({ role: 'PLATFORM_ADMIN' }));
    expect(direct.status).toBe(200);
    expect(direct.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  }
});

/** Every root field a subgraph's schema marks @inaccessible: internal calls between subgraphs (docs/events.md). */
function internalRootFields(): { subgraph: string; operation: 'query' | 'mutation'; field: string }[] {
  const found: { subgraph: string; operation: 'query' | 'mutation'; field: string }[] = [];
  for (const { name } of SUBGRAPHS) {
    const doc = parse(fs.readFileSync(path.resolve(__dirname, `../schema/${name}.graphql`), 'utf8'));
    for (const def of doc.definitions) {
      if ((def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) || (def.name.value !== 'Query' && def.name.value !== 'Mutation')) continue;
      for (const f of def.fields ?? []) {
        if (f.directives?.some((d) => d.name.value === 'inaccessible')) found.push({ subgraph: name, operation: def.name.value === 'Query' ? 'query' : 'mutation', field: f.name.value });
      }
    }
  }
  return found;
}

test('no internal root field of any subgraph is part of the public graph', async () => {
  const token = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: TEST_JWT_SECRET });
  const fields = internalRootFields();
  expect(fields.map((f) => f.field)).toEqual(expect.arrayContaining(['storeOperators', 'reserveStock', 'releaseStock']));
  for (const f of fields) {
    const res = await graph.query(`${f.operation} { ${f.field} { __typename } }`, {}, token);
    expect([f.field, res.errors?.[0]?.extensions?.code]).toEqual([f.field, 'GRAPHQL_VALIDATION_FAILED']);
    expect([f.field, res.errors?.[0]?.message]).toEqual([f.field, expect.stringContaining(`Cannot query field "${f.field}"`)]);
  }
});
