// Coalescing identical in-flight subgraph queries (docs/architecture.md §3): one fetch for many identical calls of
// one viewer, never across viewers, never for a mutation; a failure reaches every caller; a caller's own deadline.
import http from 'node:http';
import type net from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { ANONYMOUS, createLogger, DEADLINE_HEADER, encodeViewer, makeViewer, REQUEST_ID_HEADER, subgraphFetches, subgraphFetchesCoalesced, verifyViewerHeader, VIEWER_HEADER, type Viewer } from '@retail/platform';
import { coalescingFetcher } from '../src/coalescing';
import { entityBatchingFetcher } from '../src/entity-batching';
import type { GatewayContext } from '../src/context';
import { CALL_ID_HEADER, createSubgraphFetcher, isQueryBody, SubgraphTimeoutError, VIEWER_TO_SIGN_HEADER } from '../src/fetcher';
import { SubgraphSource, withoutOperationName } from '../src/subgraph-source';

const SECRET = 'coalescing-test-secret-0123456789abcdef';

/** A fetcher whose calls the test answers by hand. */
function manualFetcher() {
  const calls: { url: string; init: FetcherRequestInit; answer(body: string): void; fail(e: Error): void }[] = [];
  const fetcher: Fetcher = (url, init = {}) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      calls.push({
        url,
        init,
        answer: (body) => resolve(textResponse(url, body)),
        fail: reject,
      });
    });
  return { fetcher, calls };
}

function textResponse(url: string, body: string): FetcherResponse {
  let used = false;
  const res: FetcherResponse = {
    get bodyUsed() {
      return used;
    },
    url,
    redirected: false,
    status: 200,
    ok: true,
    statusText: 'OK',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => {
      if (used) throw new Error('body already read');
      used = true;
      return body;
    },
    json: async () => JSON.parse(await res.text()),
    arrayBuffer: async () => new TextEncoder().encode(body).buffer,
    clone: () => textResponse(url, body),
  };
  return res;
}

const URL_A = 'http://127.0.0.1:1/graphql';
const QUERY = JSON.stringify({ query: 'query Q__products__0{products(first:2){edges{node{id}}}}', variables: {} });
const MUTATION = JSON.stringify({ query: 'mutation M__points__0($input:X!){commit(input:$input){ok}}', variables: { input: 1 } });
const ada = encodeViewer(makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-1' }));
const bob = encodeViewer(makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-2' }));
const call = (viewer: string, body = QUERY, extra: Record<string, string> = {}): FetcherRequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', [VIEWER_TO_SIGN_HEADER]: viewer, ...extra },
  body,
});

describe('coalescingFetcher', () => {
  test('identical concurrent queries of one viewer make one fetch, and each caller reads its own answer', async () => {
    const { fetcher, calls } = manualFetcher();
    let joined = 0;
    const coalesced = coalescingFetcher(fetcher, { timeoutMs: 2000, onJoined: () => (joined += 1) });
    const answers = Array.from({ length: 8 }, () => coalesced(URL_A, call(ada)));
    expect(calls).toHaveLength(1);
    expect(joined).toBe(7);
    calls[0]!.answer('{"data":{"n":1}}');
    const bodies = await Promise.all(answers.map(async (a) => (await a).text()));
    expect(bodies).toEqual(Array(8).fill('{"data":{"n":1}}'));
    // Settled: the next identical call is a fetch of its own.
    void coalesced(URL_A, call(ada));
    expect(calls).toHaveLength(2);
  });

  test('different viewers, bodies or subgraphs never share a fetch', async () => {
    const { fetcher, calls } = manualFetcher();
    const coalesced = coalescingFetcher(fetcher, { timeoutMs: 2000 });
    const answers = [
      coalesced(URL_A, call(ada)),
      coalesced(URL_A, call(bob)),
      coalesced(URL_A, call(ada, QUERY.replace('first:2', 'first:3'))),
      coalesced('http://127.0.0.1:2/graphql', call(ada)),
    ];
    expect(calls).toHaveLength(4);
    expect(calls.map((c) => c.init.headers?.[VIEWER_TO_SIGN_HEADER])).toEqual([ada, bob, ada, ada]);
    calls.forEach((c, i) => c.answer(`{"data":{"n":${i}}}`));
    expect(await Promise.all(answers.map(async (a) => (await a).text()))).toEqual([0, 1, 2, 3].map((i) => `{"data":{"n":${i}}}`));
  });

  test('a mutation, a call without a viewer and a GET are never coalesced', async () => {
    const { fetcher, calls } = manualFetcher();
    const coalesced = coalescingFetcher(fetcher, { timeoutMs: 2000 });
    void coalesced(URL_A, call(ada, MUTATION));
    void coalesced(URL_A, call(ada, MUTATION));
    void coalesced(URL_A, { method: 'POST', headers: {}, body: QUERY });
    void coalesced(URL_A, { method: 'POST', headers: {}, body: QUERY });
    void coalesced(URL_A, { ...call(ada), method: 'GET' });
    void coalesced(URL_A, { ...call(ada), method: 'GET' });
    expect(calls).toHaveLength(6);
    expect(isQueryBody(MUTATION)).toBe(false);
    expect(isQueryBody(JSON.stringify({ query: '  mutation { a }' }))).toBe(false);
    expect(isQueryBody(JSON.stringify({ variables: {}, query: 'query { a }' }))).toBe(true);
    expect(isQueryBody(JSON.stringify({ query: '{ a }' }))).toBe(true);
    expect(isQueryBody('not json')).toBe(false);
  });

  test('a failure of the shared fetch reaches every caller', async () => {
    const { fetcher, calls } = manualFetcher();
    const coalesced = coalescingFetcher(fetcher, { timeoutMs: 2000 });
    const answers = Array.from({ length: 5 }, () => coalesced(URL_A, call(ada)));
    expect(calls).toHaveLength(1);
    calls[0]!.fail(new Error('connection refused'));
    const settled = await Promise.allSettled(answers);
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('rejected'));
    expect(settled.map((s) => (s as PromiseRejectedResult).reason.message)).toEqual(Array(5).fill('connection refused'));
    // The failed call is forgotten: the next one fetches again.
    void coalesced(URL_A, call(ada));
    expect(calls).toHaveLength(2);
  });

  test('a caller with a shorter deadline than the call it joined waits no longer than its own deadline', async () => {
    const { fetcher, calls } = manualFetcher();
    const coalesced = coalescingFetcher(fetcher, { timeoutMs: 2000 });
    const first = coalesced(URL_A, call(ada));
    const started = Date.now();
    const hurried = coalesced(URL_A, call(ada, QUERY, { [DEADLINE_HEADER]: '60' }));
    expect(calls).toHaveLength(1);
    await expect(hurried).rejects.toBeInstanceOf(SubgraphTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
    calls[0]!.answer('{"data":{"late":true}}');
    expect(await (await first).text()).toBe('{"data":{"late":true}}');
  });
});

const entityBody = (selection: string, ids: string[], typename = 'Store') =>
  JSON.stringify({
    query: `query($representations:[_Any!]!){_entities(representations:$representations){${selection}}}`,
    variables: { representations: ids.map((id) => ({ __typename: typename, id })) },
  });
const STORE_NAMES = entityBody('...on Store{name}', ['s1', 's2']);
const GUIDE_NAMES = entityBody('...on Guide{name status}', ['g1'], 'Guide');
const ofRequest = (viewer: string, body: string, requestId = 'req-1', extra: Record<string, string> = {}) => call(viewer, body, { [REQUEST_ID_HEADER]: requestId, ...extra });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('entityBatchingFetcher', () => {
  test("one request's entity fetches of one moment go out as one call; each caller gets its own _entities and errors", async () => {
    const { fetcher, calls } = manualFetcher();
    let joined = 0;
    const batching = entityBatchingFetcher(fetcher, { onJoined: () => (joined += 1) });
    const stores = batching(URL_A, ofRequest(ada, STORE_NAMES));
    const guides = batching(URL_A, ofRequest(ada, GUIDE_NAMES, 'req-1', { [DEADLINE_HEADER]: '900' }));
    const storesAgain = batching(URL_A, ofRequest(ada, STORE_NAMES));
    expect(calls).toHaveLength(0);
    await turn();
    expect(calls).toHaveLength(1);
    expect(joined).toBe(2);
    const sent = JSON.parse(calls[0]!.init.body as string) as { query: string; variables: Record<string, unknown> };
    // The identical third fetch shares the first one's alias.
    expect(sent.query).toBe('query($r0:[_Any!]!,$r1:[_Any!]!){_0:_entities(representations:$r0){...on Store{name}} _1:_entities(representations:$r1){...on Guide{name status}}}');
    expect(sent.variables).toEqual({ r0: [{ __typename: 'Store', id: 's1' }, { __typename: 'Store', id: 's2' }], r1: [{ __typename: 'Guide', id: 'g1' }] });
    expect(calls[0]!.init.headers?.[VIEWER_TO_SIGN_HEADER]).toBe(ada);
    expect(calls[0]!.init.headers?.[DEADLINE_HEADER]).toBe('900');
    calls[0]!.answer(
      JSON.stringify({
        data: { _0: [{ name: 'A' }, null], _1: [{ name: 'G', status: 'ACTIVE' }] },
        errors: [{ message: 'no s2', path: ['_0', 1] }, { message: 'general' }],
      }),
    );
    const [s, g, again] = await Promise.all([stores, guides, storesAgain].map(async (a) => JSON.parse(await (await a).text()) as unknown));
    expect(s).toEqual({ data: { _entities: [{ name: 'A' }, null] }, errors: [{ message: 'no s2', path: ['_entities', 1] }, { message: 'general' }] });
    expect(again).toEqual(s);
    expect(g).toEqual({ data: { _entities: [{ name: 'G', status: 'ACTIVE' }] }, errors: [{ message: 'general' }] });
  });

  test('other requests, other viewers, other subgraphs, other queries and a lone fetch go out as they came', async () => {
    const { fetcher, calls } = manualFetcher();
    const batching = entityBatchingFetcher(fetcher);
    const sent = [
      ofRequest(ada, STORE_NAMES),
      ofRequest(bob, GUIDE_NAMES),
      ofRequest(ada, GUIDE_NAMES, 'req-2'),
      ofRequest(ada, QUERY),
      ofRequest(ada, MUTATION),
      call(ada, GUIDE_NAMES),
    ];
    const answers = sent.map((init) => batching(URL_A, init));
    void batching('http://127.0.0.1:2/graphql', ofRequest(ada, GUIDE_NAMES));
    await turn();
    expect(calls).toHaveLength(7);
    expect(calls.slice(0, 6).map((c) => c.init.body).sort()).toEqual(sent.map((init) => init.body).sort());
    calls.forEach((c) => c.answer('{"data":{"_entities":[]}}'));
    expect(await Promise.all(answers.map(async (a) => (await a).text()))).toEqual(Array(6).fill('{"data":{"_entities":[]}}'));
  });

  test('a failed or refused batch reaches every caller of it', async () => {
    const { fetcher, calls } = manualFetcher();
    const batching = entityBatchingFetcher(fetcher);
    const failing = [batching(URL_A, ofRequest(ada, STORE_NAMES)), batching(URL_A, ofRequest(ada, GUIDE_NAMES))];
    await turn();
    calls[0]!.fail(new Error('connection refused'));
    const settled = await Promise.allSettled(failing);
    expect(settled.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'answered'))).toEqual(['connection refused', 'connection refused']);
    // An answer that is not JSON data reaches everyone as it is.
    const refused = [batching(URL_A, ofRequest(ada, STORE_NAMES)), batching(URL_A, ofRequest(ada, GUIDE_NAMES))];
    await turn();
    calls[1]!.answer('upstream broke');
    expect(await Promise.all(refused.map(async (a) => (await a).text()))).toEqual(['upstream broke', 'upstream broke']);
  });
});

describe('SubgraphSource against a slow subgraph', () => {
  let server: http.Server;
  let url: string;
  let received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  let failNext = false;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const check = verifyViewerHeader(req.headers[VIEWER_HEADER] as string | undefined, SECRET, 30, { method: req.method ?? '', path: req.url ?? '', body });
        // Slow enough that every caller of a burst arrives while the first call is still in flight.
        setTimeout(() => {
          if (failNext) {
            res.writeHead(502, { 'content-type': 'text/plain' });
            return void res.end('bad gateway');
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: { viewer: check.ok ? check.viewer.memberId ?? check.viewer.role : `refused:${check.reason}` } }));
        }, 150);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const httpFetcher = createSubgraphFetcher({ timeoutMs: 2000 });
  afterAll(() => httpFetcher.destroy());
  const source = new SubgraphSource('slowpoke', 'placeholder', httpFetcher, SECRET, { timeoutMs: 2000 });
  const logger = createLogger('coalescing-test', 'silent');
  const contextOf = (viewer: Viewer): GatewayContext => ({ viewer, requestId: `req-${Math.random()}`, logger, subgraphFetches: 0 });
  const ask = (context: GatewayContext, query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
    source.process({ kind: 'health check', request: { query, variables, ...(operationName ? { operationName } : {}) }, context } as GraphQLDataSourceProcessOptions<GatewayContext>);
  const counts = async () => ({
    real: (await subgraphFetches.get()).values.filter((v) => v.labels.subgraph === 'slowpoke').reduce((s, v) => s + v.value, 0),
    coalesced: (await subgraphFetchesCoalesced.get()).values.filter((v) => v.labels.subgraph === 'slowpoke').reduce((s, v) => s + v.value, 0),
  });
  beforeAll(() => {
    (source as unknown as { url: string }).url = url;
  });

  test('ten identical concurrent queries of one viewer: one signed fetch, ten answers, counted apart', async () => {
    received = [];
    const before = await counts();
    const viewer = makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-7' });
    const contexts = Array.from({ length: 10 }, () => contextOf(viewer));
    const answers = await Promise.all(contexts.map((c) => ask(c, 'query Q { viewer }')));
    expect(received).toHaveLength(1);
    expect(answers.map((a) => a.data)).toEqual(Array(10).fill({ viewer: 'mem-7' }));
    // The gateway's own marks never reach the subgraph; the signature is valid for what was sent.
    expect(received[0]!.headers[CALL_ID_HEADER]).toBeUndefined();
    expect(received[0]!.headers[VIEWER_TO_SIGN_HEADER]).toBeUndefined();
    const after = await counts();
    expect(after.real - before.real).toBe(1);
    expect(after.coalesced - before.coalesced).toBe(9);
    expect(contexts.reduce((s, c) => s + c.subgraphFetches, 0)).toBe(1);
  });

  test('the planner names subgraph operations after the client: they go out unnamed, so differently named clients coalesce', async () => {
    received = [];
    const viewer = makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-8' });
    const answers = await Promise.all(
      ['BenchOp1', 'BenchOp2', 'Other'].map((name) => ask(contextOf(viewer), `query ${name}__slowpoke__0($n:Int){viewer}`, { n: 1 }, `${name}__slowpoke__0`)),
    );
    expect(answers.map((a) => a.data)).toEqual(Array(3).fill({ viewer: 'mem-8' }));
    expect(received.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ query: 'query($n:Int){viewer}', variables: { n: 1 } }]);
  });

  test('withoutOperationName drops only the named operation\'s name', () => {
    expect(withoutOperationName('query A__stores__0{stores{id}}', 'A__stores__0')).toBe('query{stores{id}}');
    expect(withoutOperationName('mutation M__points__1($i:X!){commit(input:$i){ok}}', 'M__points__1')).toBe('mutation($i:X!){commit(input:$i){ok}}');
    expect(withoutOperationName('query A__stores__0 @live {x}', 'A__stores__0')).toBe('query @live {x}');
    // another operation's name, a longer name with the same start, a name elsewhere: unchanged
    expect(withoutOperationName('query B__stores__0{x}', 'A__stores__0')).toBe('query B__stores__0{x}');
    expect(withoutOperationName('query A__stores__01{x}', 'A__stores__0')).toBe('query A__stores__01{x}');
    expect(withoutOperationName('{A__stores__0:x}', 'A__stores__0')).toBe('{A__stores__0:x}');
  });

  test('the same query of two viewers: two fetches, each answered for its own viewer', async () => {
    received = [];
    const [a, b, c] = await Promise.all([
      ask(contextOf(makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-1' })), 'query Q { viewer }'),
      ask(contextOf(makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-2' })), 'query Q { viewer }'),
      ask(contextOf(ANONYMOUS), 'query Q { viewer }'),
    ]);
    expect(received).toHaveLength(3);
    expect([a.data, b.data, c.data]).toEqual([{ viewer: 'mem-1' }, { viewer: 'mem-2' }, { viewer: 'ANONYMOUS' }]);
  });

  test('identical concurrent mutations each go out', async () => {
    received = [];
    const viewer = makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-7' });
    await Promise.all(Array.from({ length: 4 }, () => ask(contextOf(viewer), 'mutation M { viewer }', { x: 1 })));
    expect(received).toHaveLength(4);
  });

  test('a failed shared fetch is SUBGRAPH_UNAVAILABLE for every caller', async () => {
    received = [];
    failNext = true;
    try {
      const viewer = makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-7' });
      const settled = await Promise.allSettled(Array.from({ length: 5 }, () => ask(contextOf(viewer), 'query Q { viewer }')));
      expect(received).toHaveLength(1);
      expect(settled.map((s) => s.status === 'rejected' && (s.reason as { extensions?: { code?: string } }).extensions?.code)).toEqual(Array(5).fill('SUBGRAPH_UNAVAILABLE'));
    } finally {
      failNext = false;
    }
  });
});
