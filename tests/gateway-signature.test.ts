// Nobody goes around the gateway: every subgraph refuses unsigned, forged and replayed requests.
import { signViewer, makeViewer, signDevToken, VIEWER_HEADER } from '@retail/platform';
import { TEST_INTERNAL_SECRET, postGraphQL, signedHeaders } from '@retail/platform/testing';
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
const reps = (name: string) => (name === 'stores' ? [{ __typename: 'Store', id: 'store-lng-01' }] : [{ __typename: 'Product', id: 'x' }]);

test.each(['stores', 'products'])('%s answers 401 without the gateway signature', async (name) => {
  const url = `http://127.0.0.1:${graph.subgraphs[name]!.port}/graphql`;
  for (const [q, v] of [[SERVICE, {}], [ENTITIES, { r: reps(name) }], ['{ __typename }', {}]] as const) {
    const res = await postGraphQL(url, q, v);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeUndefined();
  }
});

test.each(['stores', 'products'])('%s answers 401 to a forged or replayed signature', async (name) => {
  const url = `http://127.0.0.1:${graph.subgraphs[name]!.port}/graphql`;
  const admin = makeViewer({ role: 'PLATFORM_ADMIN' });
  const forged = { [VIEWER_HEADER]: signViewer(admin, 'not-the-internal-secret-at-all') };
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
