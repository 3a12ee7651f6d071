import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { REQUEST_ID_HEADER, VIEWER_HEADER } from '../src/auth/viewer-header';
import { Database } from '../src/db/database';
import { listen } from '../src/http';
import { createLogger } from '../src/logging';
import { createSubgraphServer, type SubgraphContext } from '../src/subgraph';
import { postGraphQL, signedHeaders, TEST_INTERNAL_SECRET } from '../src/testing';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@authenticated"])

type Query {
  whoami: String
  secret: String @authenticated
  boom: String
}

type Widget @key(fields: "id") {
  id: ID!
  name: String
}
`;

const SERVICE_QUERY = '{ _service { sdl } }';
const ENTITIES_QUERY = '{ _entities(representations: [{ __typename: "Widget", id: "w1" }]) { ... on Widget { id name } } }';

describe('subgraph server', () => {
  let server: http.Server;
  let apollo: ApolloServer<SubgraphContext>;
  let base: string;
  let url: string;
  let ready = true;
  const resolvedWidgets: string[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subgraph-'));
    const schemaFile = path.join(dir, 'tiny.graphql');
    fs.writeFileSync(schemaFile, SDL);
    ({ server, apollo } = await createSubgraphServer({
      name: 'tiny',
      schemaFile,
      logger: createLogger('tiny', 'silent'),
      internalSecret: TEST_INTERNAL_SECRET,
      viewerMaxAgeS: 60,
      // The tiny schema reads no tables: a pool that is never used.
      db: new Database({ url: 'postgres://nobody@127.0.0.1:1/none', service: 'tiny' }),
      loaders: () => ({}),
      ready: async () => ready,
      resolvers: {
        Query: {
          whoami: (_src: unknown, _args: unknown, ctx: SubgraphContext) => `${ctx.viewer.role}:${ctx.scope.kind}`,
          secret: () => 'classified',
          boom: () => {
            throw new Error('connection to db-internal.corp:5432 failed for user admin');
          },
        },
        Widget: {
          __resolveReference: (ref: { id: string }) => {
            resolvedWidgets.push(ref.id);
            return { id: ref.id, name: `widget ${ref.id}` };
          },
        },
      },
    }));
    const port = await listen(server, 0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    url = `${base}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await apollo.stop();
  });

  const admin = { role: 'PLATFORM_ADMIN' } as const;

  describe.each([
    ['_service', SERVICE_QUERY],
    ['_entities', ENTITIES_QUERY],
  ])('refuses %s without a valid, fresh viewer signature', (_label, query) => {
    it('answers 401 without the header', async () => {
      const res = await postGraphQL(url, query);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
    });

    it('answers 401 for a signature made with another secret', async () => {
      const res = await postGraphQL(url, query, {}, signedHeaders(admin, 'not-the-internal-secret-0123'));
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.message).toMatch(/bad-signature/);
    });

    it('answers 401 for a tampered viewer', async () => {
      const headers = signedHeaders({ role: 'MEMBER', brandId: 'b1', memberId: 'm1' });
      const [, ts, sig] = (headers[VIEWER_HEADER] ?? '').split('.');
      const adminPayload = Buffer.from(JSON.stringify({ role: 'PLATFORM_ADMIN' })).toString('base64url');
      const res = await postGraphQL(url, query, {}, { ...headers, [VIEWER_HEADER]: `${adminPayload}.${ts}.${sig}` });
      expect(res.status).toBe(401);
    });

    it('answers 401 for a replayed signature older than 60 s', async () => {
      const res = await postGraphQL(url, query, {}, signedHeaders(admin, TEST_INTERNAL_SECRET, Date.now() - 61_000));
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.message).toMatch(/expired/);
    });
  });

  it('never resolved an entity for a refused request', () => {
    expect(resolvedWidgets).toEqual([]);
  });

  it('answers _service and _entities with a fresh signature', async () => {
    const sdl = await postGraphQL<{ _service: { sdl: string } }>(url, SERVICE_QUERY, {}, signedHeaders(admin));
    expect(sdl.status).toBe(200);
    expect(sdl.data?._service.sdl).toContain('type Widget');

    const entities = await postGraphQL(url, ENTITIES_QUERY, {}, signedHeaders(admin));
    expect(entities).toEqual({ status: 200, data: { _entities: [{ id: 'w1', name: 'widget w1' }] } });
    expect(resolvedWidgets).toEqual(['w1']);
  });

  it('builds the context from the signed viewer', async () => {
    const res = await postGraphQL(url, '{ whoami }', {}, signedHeaders({ role: 'FRANCHISEE', brandId: 'b1', franchiseeId: 'f1' }));
    expect(res.data).toEqual({ whoami: 'FRANCHISEE:franchisee' });
  });

  it('enforces @authenticated for an anonymous viewer the gateway vouched for', async () => {
    const res = await postGraphQL(url, '{ secret }', {}, signedHeaders({ role: 'ANONYMOUS' }));
    expect(res.status).toBe(200);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('masks an internal error and returns the request id', async () => {
    const res = await postGraphQL(url, '{ boom }', {}, { ...signedHeaders(admin), [REQUEST_ID_HEADER]: 'req-boom-1' });
    expect(res.errors).toEqual([{ message: 'Internal server error', path: ['boom'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-boom-1' } }]);
    expect(JSON.stringify(res)).not.toContain('db-internal');
  });

  it('passes GraphQL validation errors through with their code', async () => {
    const res = await postGraphQL(url, '{ nope }', {}, signedHeaders(admin));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('echoes a valid x-request-id and makes one otherwise', async () => {
    const echoed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(admin), [REQUEST_ID_HEADER]: 'abc-123' }, body: JSON.stringify({ query: '{ whoami }' }) });
    expect(echoed.headers.get(REQUEST_ID_HEADER)).toBe('abc-123');
    await echoed.text();

    const made = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: 'bad id with spaces' }, body: '{}' });
    expect(made.status).toBe(401);
    expect(made.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
    await made.text();
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(admin) }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(admin) }, body: JSON.stringify({ query: `{ whoami } #${'x'.repeat(1_100_000)}` }) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: 'request body too large', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('answers /healthz, /readyz and /metrics without a signature', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: 'tiny' });

    const readyRes = await fetch(`${base}/readyz`);
    expect(readyRes.status).toBe(200);
    await readyRes.text();
    ready = false;
    try {
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not ready', service: 'tiny' });
    } finally {
      ready = true;
    }

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/http_requests_total\{service="tiny",route="graphql",status="401"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  it('answers 404 for an unknown path', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    await res.text();
  });
});
