import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { REQUEST_ID_HEADER, VIEWER_HEADER } from '../src/auth/viewer-header';
import { Database } from '../src/db/database';
import { Health } from '../src/health';
import { createMetricsServer, isLoopbackAddress, listen } from '../src/http';
import { createLogger } from '../src/logging';
import { createSubgraphServer, type SubgraphContext } from '../src/subgraph';
import { postGraphQL, signedHeaders, TEST_INTERNAL_SECRET } from '../src/testing';

/** A signed POST /graphql with this exact body, as the gateway sends it. */
const signedPost = (as: Parameters<typeof signedHeaders>[0], body: string, extra: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...signedHeaders(as, TEST_INTERNAL_SECRET, Date.now(), { method: 'POST', path: '/graphql', body }), ...extra },
  body,
});

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

/** The log lines the subgraph under test writes (JSON), to assert what it logs and with which request id. */
const logLines: Record<string, unknown>[] = [];
/** How many request loggers (children) the service made. */
let childLoggers = 0;
const capturingLogger = () => {
  const logger = pino(
    { level: 'info', base: { service: 'tiny' } },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    childLoggers += 1;
    return child(...args);
  }) as typeof logger.child;
  return logger;
};

describe('subgraph server', () => {
  let server: http.Server;
  let apollo: ApolloServer<SubgraphContext>;
  let base: string;
  let url: string;
  let ready = true;
  let schemaDir: string;
  const resolvedWidgets: string[] = [];

  beforeAll(async () => {
    schemaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'subgraph-'));
    const schemaFile = path.join(schemaDir, 'tiny.graphql');
    fs.writeFileSync(schemaFile, SDL);
    ({ server, apollo } = await createSubgraphServer<unknown, unknown>({
      name: 'tiny',
      schemaFile,
      logger: capturingLogger(),
      internalSecret: TEST_INTERNAL_SECRET,
      viewerMaxAgeS: 60,
      // The tiny schema reads no tables: a pool that is never used.
      db: new Database({ url: 'postgres://nobody@127.0.0.1:1/none', service: 'tiny' }),
      loaders: () => ({}),
      settings: {},
      health: new Health().add('database', async () => (ready ? true : 'the database does not answer')),
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
      const body = JSON.stringify({ query, variables: {} });
      const headers = signedHeaders({ role: 'MEMBER', brandId: 'b1', memberId: 'm1' }, TEST_INTERNAL_SECRET, Date.now(), { method: 'POST', path: '/graphql', body });
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
    // logged with that request's id, though the error is formatted without any context (errorRequestPlugin)
    expect(logLines.filter((l) => l.msg === 'internal error').map((l) => l.requestId)).toEqual(['req-boom-1']);
  });

  it('logs a refusal Apollo makes before any request starts (a batch body) as a client error, with its request id', async () => {
    const res = await fetch(url, signedPost(admin, JSON.stringify([{ query: '{ whoami }' }]), { [REQUEST_ID_HEADER]: 'req-batch-1' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(logLines.filter((l) => l.requestId === 'req-batch-1').map((l) => [l.level, l.msg, l.code])).toEqual([[30, 'client error', 'BAD_REQUEST']]);
  });

  it('logs a client error met inside a request once, with its request id', async () => {
    const res = await postGraphQL(url, '{ nope }', {}, { ...signedHeaders(admin), [REQUEST_ID_HEADER]: 'req-nope-1' });
    expect(res.status).toBe(400);
    expect(logLines.filter((l) => l.requestId === 'req-nope-1').map((l) => [l.msg, l.code])).toEqual([['client error', 'GRAPHQL_VALIDATION_FAILED']]);
  });

  it('makes no request logger for a request that logs nothing, though Apollo clones its context', async () => {
    const before = childLoggers;
    const res = await postGraphQL(url, '{ whoami }', {}, signedHeaders(admin));
    expect(res.errors).toBeUndefined();
    expect(childLoggers).toBe(before);
  });

  it("answers without Cache-Control: Apollo's cache-control plugin, which hooks every field of every request, is off", async () => {
    const res = await fetch(url, signedPost(admin, JSON.stringify({ query: '{ whoami }' })));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBeNull();
    await res.text();
  });

  it('passes GraphQL validation errors through with their code', async () => {
    const res = await postGraphQL(url, '{ nope }', {}, signedHeaders(admin));
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('echoes a valid x-request-id and makes one otherwise', async () => {
    const echoed = await fetch(url, signedPost(admin, JSON.stringify({ query: '{ whoami }' }), { [REQUEST_ID_HEADER]: 'abc-123' }));
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get(REQUEST_ID_HEADER)).toBe('abc-123');
    await echoed.text();

    const made = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [REQUEST_ID_HEADER]: 'bad id with spaces' }, body: '{}' });
    expect(made.status).toBe(401);
    expect(made.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
    await made.text();
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(url, signedPost(admin, '{"query": '));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await fetch(url, signedPost(admin, JSON.stringify({ query: `{ whoami } #${'x'.repeat(1_100_000)}` })));
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
      expect(await notReady.json()).toEqual({ status: 'not ready', service: 'tiny', checks: { database: 'the database does not answer' } });
    } finally {
      ready = true;
    }

    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/http_requests_total\{service="tiny",route="graphql",status="401"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  describe('binds the viewer signature to the request it was made for', () => {
    const WHOAMI = JSON.stringify({ query: '{ whoami }', variables: {} });
    const headersFor = (body: string, request: { method?: string; path?: string } = {}, nowMs = Date.now(), secret = TEST_INTERNAL_SECRET) =>
      signedHeaders(admin, secret, nowMs, { method: request.method ?? 'POST', path: request.path ?? '/graphql', body });
    const post = (path: string, headers: Record<string, string>, body: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const expect401 = async (res: Response, reason: string) => {
      expect(res.status).toBe(401);
      const json = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(json.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
      expect(json.errors[0]?.message).toContain(reason);
    };

    it('serves a valid header for its own request (200)', async () => {
      const res = await post('/graphql', headersFor(WHOAMI), WHOAMI);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { whoami: 'PLATFORM_ADMIN:platform' } });
    });

    it('refuses a header forged with another secret (401)', async () => {
      await expect401(await post('/graphql', headersFor(WHOAMI, {}, Date.now(), 'not-the-internal-secret-0123'), WHOAMI), 'bad-signature');
    });

    it('refuses a captured header replayed with another operation (401), while it still serves its own', async () => {
      const captured = headersFor(WHOAMI);
      await expect401(await post('/graphql', captured, JSON.stringify({ query: '{ secret }', variables: {} })), 'bad-signature');
      await expect401(await post('/graphql', captured, JSON.stringify({ query: ENTITIES_QUERY, variables: {} })), 'bad-signature');
      expect((await post('/graphql', captured, WHOAMI)).status).toBe(200);
    });

    it('refuses a body swapped in flight, even the same JSON in other bytes (401)', async () => {
      const body = JSON.stringify({ query: 'query($id: ID!) { _entities(representations: [{ __typename: "Widget", id: $id }]) { __typename } }', variables: { id: 'w1' } });
      const headers = headersFor(body);
      const resolvedBefore = resolvedWidgets.length;
      await expect401(await post('/graphql', headers, body.replace('"w1"', '"w2"')), 'bad-signature');
      await expect401(await post('/graphql', headers, body.replace('{"id"', '{ "id"')), 'bad-signature');
      await expect401(await post('/graphql', headers, `${body} `), 'bad-signature');
      expect(resolvedWidgets.length).toBe(resolvedBefore);
    });

    it('refuses a header made for another path or query string (401)', async () => {
      await expect401(await post('/graphql', headersFor(WHOAMI, { path: '/v2/graphql' }), WHOAMI), 'bad-signature');
      await expect401(await post('/graphql?debug=1', headersFor(WHOAMI), WHOAMI), 'bad-signature');
    });

    it('refuses a header made for another method (401), and covers the query string of a GET', async () => {
      const search = `?query=${encodeURIComponent('{ whoami }')}`;
      const getWith = (headers: Record<string, string>, path = `/graphql${search}`) => fetch(`${base}${path}`, { headers: { ...headers, 'apollo-require-preflight': 'true' } });
      await expect401(await getWith(headersFor('', { method: 'POST', path: `/graphql${search}` })), 'bad-signature');
      const signedGet = headersFor('', { method: 'GET', path: `/graphql${search}` });
      await expect401(await getWith(signedGet, `/graphql?query=${encodeURIComponent('{ secret }')}`), 'bad-signature');
      const ok = await getWith(signedGet);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ data: { whoami: 'PLATFORM_ADMIN:platform' } });
    });

    it('refuses an expired header for its own request (401)', async () => {
      await expect401(await post('/graphql', headersFor(WHOAMI, {}, Date.now() - 61_000), WHOAMI), 'expired');
    });
  });

  describe('/metrics', () => {
    /** A GET on a new connection whose peer address the server sees as `peer` (a remote caller). */
    const getFrom = (target: http.Server, port: number, path: string, peer?: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const fake = (socket: { remoteAddress?: string }) => {
          if (peer) Object.defineProperty(socket, 'remoteAddress', { value: peer, configurable: true });
        };
        target.prependOnceListener('connection', fake);
        const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
    const portOf = (s: http.Server) => {
      const a = s.address();
      return typeof a === 'object' && a ? a.port : 0;
    };

    it.each([
      ['127.0.0.1', true],
      ['127.0.0.2', true],
      ['127.255.255.254', true],
      ['::1', true],
      ['::ffff:127.0.0.1', true],
      ['::FFFF:127.0.0.9', true],
      ['10.0.0.5', false],
      ['192.168.1.20', false],
      ['203.0.113.7', false],
      ['::ffff:10.0.0.5', false],
      ['fe80::1', false],
      ['::', false],
      ['0.0.0.0', false],
      ['128.0.0.1', false],
      ['', false],
      [undefined, false],
    ])('isLoopbackAddress(%p) is %p', (address, loopback) => {
      expect(isLoopbackAddress(address)).toBe(loopback);
    });

    it('refuses a remote caller on the service port (403), which still gets /healthz and /readyz', async () => {
      const port = portOf(server);
      const metrics = await getFrom(server, port, '/metrics', '203.0.113.7');
      expect(metrics.status).toBe(403);
      expect(metrics.body).not.toContain('http_requests_total');
      expect((await getFrom(server, port, '/metrics', '::ffff:10.0.0.5')).status).toBe(403);
      expect((await getFrom(server, port, '/healthz', '203.0.113.7')).status).toBe(200);
      expect((await getFrom(server, port, '/readyz', '203.0.113.7')).status).toBe(200);
    });

    it('refuses a loopback caller that came through a proxy (403), serves a direct loopback caller (200)', async () => {
      const port = portOf(server);
      for (const h of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
        expect((await getFrom(server, port, '/metrics', undefined, { [h]: h === 'forwarded' ? 'for=203.0.113.7' : '203.0.113.7' })).status).toBe(403);
      }
      const direct = await getFrom(server, port, '/metrics');
      expect(direct.status).toBe(200);
      expect(direct.body).toContain('http_requests_total');
    });

    it('with a metrics port of its own: served there to any caller, not found on the service port', async () => {
      const { server: service, apollo: own } = await createSubgraphServer({
        name: 'tiny-metrics',
        schemaFile: path.join(schemaDir, 'tiny.graphql'),
        logger: createLogger('tiny', 'silent'),
        internalSecret: TEST_INTERNAL_SECRET,
        viewerMaxAgeS: 30,
        db: new Database({ url: 'postgres://nobody@127.0.0.1:1/none', service: 'tiny' }),
        loaders: () => ({}),
        settings: {},
        resolvers: { Query: { whoami: () => 'x' } },
        metricsOnServicePort: false,
      });
      const metrics = createMetricsServer();
      try {
        const port = await listen(service, 0, '127.0.0.1');
        const metricsPort = await listen(metrics, 0, '127.0.0.1');
        expect((await getFrom(service, port, '/metrics')).status).toBe(404);
        expect((await getFrom(service, port, '/healthz')).status).toBe(200);
        const scraped = await getFrom(metrics, metricsPort, '/metrics', '10.1.2.3');
        expect(scraped.status).toBe(200);
        expect(scraped.body).toMatch(/http_requests_total\{service="tiny-metrics",route="\/healthz",status="200"\} 1/);
        expect((await getFrom(metrics, metricsPort, '/graphql')).status).toBe(404);
        expect((await getFrom(metrics, metricsPort, '/healthz')).status).toBe(404);
      } finally {
        for (const s of [service, metrics]) {
          s.closeAllConnections();
          await new Promise<void>((resolve) => s.close(() => resolve()));
        }
        await own.stop();
      }
    });
  });

  it('answers 404 for an unknown path', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    await res.text();
  });
});
