// The parts of `npm run bench -- --peers` that can break without running a benchmark: the peer runner's viewer path
// (bearer token → viewer → signed x-viewer the subgraphs accept), the supergraph URL rewrite, and the tables.
import fs from 'node:fs';
import path from 'node:path';
import { ANONYMOUS, signDevToken, verifyViewerHeader } from '@retail/platform';
import { callerOf, encodeViewer, signedViewerFor, withSubgraphUrls } from '../bench/peers/viewer-signing';
import { SCENARIOS } from '../bench/scenarios';
import { markdownTable, ratio, ratioRows, withOperationName } from '../bench/table';

const JWT_SECRET = 'bench-test-jwt-secret-of-32-bytes-at-least!';
const INTERNAL_SECRET = 'bench-test-internal-secret-0123456789';

describe('peer runner viewer signing', () => {
  test('a bearer token becomes its viewer; no header is ANONYMOUS; a bad token is refused', async () => {
    const caller = callerOf(JWT_SECRET);
    const token = await signDevToken({ role: 'BRAND_ADMIN', brandId: 'brand-lng' }, { secret: JWT_SECRET });
    const viewer = await caller(`Bearer ${token}`);
    expect(viewer).toMatchObject({ role: 'BRAND_ADMIN', brandId: 'brand-lng' });
    expect(await caller(undefined)).toEqual(ANONYMOUS);
    const forged = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: 'another-secret-of-thirty-two-bytes-or-more' });
    await expect(caller(`Bearer ${forged}`)).rejects.toThrow();
    await expect(caller('Basic abc')).rejects.toThrow();
  });

  test('the signed header is accepted by the subgraphs\' check for exactly the bytes sent', async () => {
    const viewer = await callerOf(JWT_SECRET)(`Bearer ${await signDevToken({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0007' }, { secret: JWT_SECRET })}`);
    const body = JSON.stringify({ query: '{ __typename }' });
    const header = signedViewerFor(encodeViewer(viewer), INTERNAL_SECRET, 'http://127.0.0.1:4101/graphql', 'post', body);
    const ok = verifyViewerHeader(header, INTERNAL_SECRET, 60, { method: 'POST', path: '/graphql', body });
    expect(ok).toEqual({ ok: true, viewer });
    expect(verifyViewerHeader(header, INTERNAL_SECRET, 60, { method: 'POST', path: '/graphql', body: `${body} ` })).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyViewerHeader(header, 'some-other-internal-secret-0123456', 60, { method: 'POST', path: '/graphql', body })).toMatchObject({ ok: false });
  });

  test('every subgraph URL of the supergraph is pointed at the bench\'s ports', () => {
    const sdl = fs.readFileSync(path.join(__dirname, '../schema/supergraph.graphql'), 'utf8');
    const names = [...sdl.matchAll(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(5);
    const urls = Object.fromEntries(names.map((n, i) => [n, `http://127.0.0.1:${5201 + i}/graphql`]));
    const rewritten = withSubgraphUrls(sdl, urls);
    for (const [n, url] of Object.entries(urls)) expect(rewritten).toContain(`@join__graph(name: "${n}", url: "${url}")`);
    expect(rewritten.length).toBeGreaterThan(sdl.length - 200);
  });
});

describe('bench tables', () => {
  test('markdown table: header from the first row, a pipe in a cell escaped', () => {
    expect(markdownTable([{ a: 1, b: 'x|y' }, { a: 2, b: 'z' }])).toBe('| a | b |\n|---|---|\n| 1 | x\\|y |\n| 2 | z |');
    expect(markdownTable([])).toBe('(no rows)');
  });

  test('ratios of this gateway to each peer, "-" where a peer has no number', () => {
    const ours = [{ scenario: 's1', reqPerSecond: 150, gatewayCpuMs: 3, graphCpuMs: 6 }, { scenario: 's2', reqPerSecond: 100, gatewayCpuMs: null, graphCpuMs: null }];
    const rows = ratioRows(ours, { apollo: [{ scenario: 's1', reqPerSecond: 100, gatewayCpuMs: 6, graphCpuMs: 12 }] });
    expect(rows).toEqual([
      { scenario: 's1', 'req/s ÷ apollo': '1.50', 'gateway CPU ÷ apollo': '0.50', 'graph CPU ÷ apollo': '0.50' },
      { scenario: 's2', 'req/s ÷ apollo': '-', 'gateway CPU ÷ apollo': '-', 'graph CPU ÷ apollo': '-' },
    ]);
    expect(ratio(1, 0)).toBe('-');
  });

  test('each request of the no-plan-cache scenario names its operation anew', () => {
    const scenario = SCENARIOS.find((s) => s.uniqueOperationNames);
    expect(scenario).toBeDefined();
    const a = withOperationName(scenario!.query, 1);
    const b = withOperationName(scenario!.query, 2);
    expect(a).toMatch(/^query BenchOp1\(\$skus/);
    expect(b).toMatch(/^query BenchOp2\(/);
    expect(withOperationName('{ __typename }', 3)).toBe('query BenchOp3 { __typename }');
  });
});
