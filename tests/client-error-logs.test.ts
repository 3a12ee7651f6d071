// A client's mistakes are logged at info (or warn), without a stack: never an error-level line, in the gateway
// or in any subgraph. The whole graph runs here with its logs captured.
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Database, parseConfig, startSubgraph, type Logger, type RunningSubgraph } from '@retail/platform';
import { TEST_INTERNAL_SECRET, TEST_REDIS_URL, createTestDatabase, postGraphQL, signedHeaders, testConfig, type TestDatabase } from '@retail/platform/testing';
import { prepareDatabase, SUBGRAPHS } from '@retail/graph';
import { gatewayConfigShape, startGateway, type RunningGateway } from '../gateway/src';
import { TEST_JWT_SECRET } from './support/graph';
import { tokenFor } from './support/tokens';

interface LogLine {
  level: string;
  service: string;
  msg: string;
  code?: string;
  [key: string]: unknown;
}

const lines: LogLine[] = [];
function capturingLogger(service: string): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return pino({ level: 'debug', base: { service }, formatters: { level: (label) => ({ level: label }) } }, sink);
}

let database: TestDatabase;
const subgraphs: Record<string, RunningSubgraph> = {};
let gateway: RunningGateway;
let url: string;
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('logs');
  await prepareDatabase(database.db, { seed: 'always' });
  const config = testConfig({ REDIS_URL: TEST_REDIS_URL, EVENT_STREAM_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}:` });
  for (const subgraph of SUBGRAPHS) {
    const db = new Database({ url: database.url, service: subgraph.name, max: 5 });
    subgraphs[subgraph.name] = await startSubgraph(subgraph, { db, config, port: 0, logger: capturingLogger(subgraph.name) });
  }
  const env: Record<string, string> = {};
  for (const [name, sg] of Object.entries(subgraphs)) env[`SUBGRAPH_URL_${name.toUpperCase()}`] = `http://127.0.0.1:${sg.port}/graphql`;
  const gwConfig = parseConfig(gatewayConfigShape, {
    INTERNAL_SECRET: TEST_INTERNAL_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  gateway = await startGateway(gwConfig, { env, logger: capturingLogger('gateway') });
  url = `http://127.0.0.1:${gateway.port}/graphql`;
  admin = await tokenFor({ role: 'PLATFORM_ADMIN', scopes: ['stores:admin', 'catalog:admin'] });
});
afterAll(async () => {
  await gateway.stop();
  for (const sg of Object.values(subgraphs)) {
    await sg.stop();
    await sg.deps.db.close();
  }
  await database.drop();
});

/** Every kind of client mistake the gateway and the subgraphs are known to meet. */
function mistakes(): { name: string; send: () => Promise<Response> }[] {
  const json = (body: unknown, headers: Record<string, string> = {}) => () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const raw = (init: RequestInit, at = url) => () => fetch(at, init);
  const auth = { authorization: `Bearer ${admin}` };
  return [
    { name: 'syntax error', send: json({ query: '{ stores { ' }) },
    { name: 'too many tokens', send: json({ query: `{ ${'__typename '.repeat(6000)}}` }) },
    { name: 'unknown field', send: json({ query: '{ noSuchField }' }) },
    { name: 'Int overflow', send: json({ query: '{ stores(first: 99999999999) { totalCount } }' }) },
    { name: 'invalid enum variable', send: json({ query: 'query($f: StoreFilter) { stores(filter: $f) { totalCount } }', variables: { f: { status: 'HALF_OPEN' } } }) },
    { name: 'unknown operationName', send: json({ query: 'query A { __typename }', operationName: 'B' }) },
    { name: 'two operations, no name', send: json({ query: 'query A { __typename } query B { __typename }' }) },
    { name: 'two anonymous operations', send: json({ query: '{ __typename } { __typename }' }) },
    { name: 'subscription', send: json({ query: 'subscription { stores { totalCount } }' }) },
    { name: 'persisted query, bad hash', send: json({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }) },
    { name: 'persisted query, version 2', send: json({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } }) },
    { name: 'NUL in a literal', send: json({ query: '{ products(filter: { query: "a\\u0000" }) { totalCount } }' }) },
    { name: 'NUL in a variable', send: json({ query: 'query($c: String) { stores(filter: { city: $c }) { totalCount } }', variables: { c: 'x\u0000' } }) },
    { name: 'NUL in a mutation input', send: json({ query: 'mutation($i: CreateGuideInput!) { createGuide(input: $i) { guide { id } } }', variables: { i: { storeId: 'store-lng-01', name: 'a\u0000' } } }, auth) },
    { name: 'bad DateTime literal', send: json({ query: 'mutation { createGuide(input: { storeId: "store-lng-01", name: "x", joinedAt: "bad" }) { guide { id } } }' }, auth) },
    { name: 'bad DateTime variable', send: json({ query: 'mutation($d: DateTime) { createGuide(input: { storeId: "store-lng-01", name: "x", joinedAt: $d }) { guide { id } } }', variables: { d: 'bad' } }, auth) },
    { name: 'unknown store in availability', send: json({ query: '{ sku(id: "sku-lng-br-2401-bk-75b") { availability(storeId: "nope") { store { name } } } }' }) },
    { name: 'malformed cursor', send: json({ query: '{ stores(after: "garbage!") { totalCount } }' }) },
    { name: 'too many skuIds', send: json({ query: 'query($ids: [ID!]!) { store(id: "store-lng-01") { stock(skuIds: $ids) { available } } }', variables: { ids: Array.from({ length: 101 }, (_, i) => `s${i}`) } }) },
    { name: 'too deep', send: json({ query: `{ stores { edges { node { brand { franchisees { edges { node { stores { edges { node { brand { franchisees { edges { node { stores { edges { node { id } } } } } } } } } } } } } } } } } }` }, auth) },
    { name: 'too expensive', send: json({ query: '{ brands(first: 100) { edges { node { franchisees(first: 100) { edges { node { stores(first: 100) { edges { node { id } } } } } } } } } }' }, auth) },
    { name: 'mutation without a token', send: json({ query: 'mutation { createFranchisee(input: { brandId: "brand-lng", name: "x", kind: FRANCHISE }) { userErrors { code } } }' }) },
    { name: 'invalid JSON body', send: raw({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' }) },
    { name: 'batch body', send: raw({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"query":"{ __typename }"}]' }) },
    { name: 'string body', send: raw({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '"{ __typename }"' }) },
    { name: 'query not a string', send: json({ query: 1 }) },
    { name: 'variables not a map', send: json({ query: '{ __typename }', variables: 'x' }) },
    { name: 'no query', send: json({}) },
    { name: 'empty body', send: raw({ method: 'POST', headers: { 'content-type': 'application/json' } }) },
    { name: 'text/plain POST (CSRF)', send: raw({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' }) },
    { name: 'GET without preflight (CSRF)', send: raw({ method: 'GET' }, `${url}?query=${encodeURIComponent('{ __typename }')}`) },
    { name: 'mutation over GET', send: raw({ method: 'GET', headers: { 'apollo-require-preflight': 'true' } }, `${url}?query=${encodeURIComponent('mutation { __typename }')}`) },
    { name: 'unacceptable Accept', send: json({ query: '{ __typename }' }, { accept: 'image/png' }) },
    { name: 'body too large', send: raw({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }) }) },
    { name: 'bad token', send: json({ query: '{ __typename }' }, { authorization: 'Bearer not-a-token' }) },
    { name: 'unknown path', send: raw({ method: 'GET' }, url.replace(/\/graphql$/, '/nope')) },
  ];
}

test('no client mistake yields a 5xx, INTERNAL_SERVER_ERROR or an error-level log line; each is logged at info without a stack', async () => {
  for (const { name, send } of mistakes()) {
    const res = await send();
    const text = await res.text();
    expect({ name, status: res.status < 500, internal: /INTERNAL_SERVER_ERROR/.test(text) }).toEqual({ name, status: true, internal: false });
  }
  // the subgraphs directly (as the gateway, or as anyone around it): the same edge checks
  const nulQueries: Record<string, string> = {
    stores: 'query($q: String) { stores(filter: { city: $q }) { totalCount } }',
    products: 'query($q: String) { products(filter: { query: $q }) { totalCount } }',
  };
  for (const name of Object.keys(subgraphs)) {
    const at = `http://127.0.0.1:${subgraphs[name]!.port}/graphql`;
    // Any other subgraph: the NUL in a representation of its _entities (a variable every subgraph with an entity takes).
    const signed = await postGraphQL(at, nulQueries[name] ?? 'query($q: _Any!) { _entities(representations: [$q]) { __typename } }', { q: 'a\u0000' }, signedHeaders({ role: 'ANONYMOUS' }));
    expect({ name, status: signed.status, codes: signed.errors?.map((e) => e.extensions?.code) }).toEqual({ name, status: 400, codes: ['BAD_USER_INPUT'] });
    const unsigned = await postGraphQL(at, '{ __typename }');
    expect(unsigned.status).toBe(401);
  }

  const bad = lines.filter((l) => l.level === 'error' || l.level === 'fatal');
  expect(bad).toEqual([]);
  const withStack = lines.filter((l) => JSON.stringify(l).includes('"stack"'));
  expect(withStack).toEqual([]);

  const clientErrors = lines.filter((l) => l.msg === 'client error');
  expect(clientErrors.every((l) => l.level === 'info' && typeof l.code === 'string')).toBe(true);
  // A request's refusal is logged once: by maskError (lines without a status) when Apollo started a request, else
  // by the HTTP front (with the status), never by both (RequestState.errorsReported).
  expect(clientErrors.every((l) => typeof l.requestId === 'string')).toBe(true);
  const loggedBy = new Map<string, Set<boolean>>();
  for (const l of clientErrors) {
    const key = `${l.service} ${String(l.requestId)}`;
    loggedBy.set(key, (loggedBy.get(key) ?? new Set()).add('status' in l));
  }
  expect([...loggedBy].filter(([, by]) => by.size > 1).map(([key]) => key)).toEqual([]);
  const gatewayCodes = new Set(clientErrors.filter((l) => l.service === 'gateway').map((l) => l.code));
  for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED', 'BAD_USER_INPUT', 'NOT_FOUND', 'QUERY_TOO_EXPENSIVE', 'UNAUTHENTICATED', 'BAD_REQUEST']) {
    expect({ code, logged: gatewayCodes.has(code) }).toEqual({ code, logged: true });
  }
  // the subgraphs log their own refusals too (the NUL guard, the DateTime scalar)
  expect(clientErrors.some((l) => l.service === 'stores' && l.code === 'BAD_USER_INPUT')).toBe(true);
  expect(clientErrors.some((l) => l.service === 'products' && l.code === 'BAD_USER_INPUT')).toBe(true);
  // anything above info is a warning, e.g. a refused subgraph signature
  expect(lines.filter((l) => l.level === 'warn').every((l) => !('err' in l) || typeof l.err === 'string')).toBe(true);
});
