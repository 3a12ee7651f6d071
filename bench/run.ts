// npm run bench: the whole graph on real PostgreSQL, each service its own process run as in production (compiled
// JavaScript, `node --conditions=production …/dist/main.js`, NODE_ENV=production), loaded with autocannon; prints
// and saves a table under bench/results/.
//   npm run bench [-- --quick] [-- --peers]
//   --quick: 3 s per scenario (a smoke run); --peers: the same scenarios through plain @apollo/gateway and Hive
//   Gateway too (installed on demand into bench/peers/, bench/peers/runner.ts), with the ratios.
//   BENCH_DURATION=10 BENCH_CONNECTIONS=10 DATABASE_URL=postgres://... npm run bench
//   BENCH_EXCHANGES=3000: quotes made and committed per target of the points-exchange-commit scenario
//   BENCH_ROUNDS=4: turns per scenario, the gateways compared taking turns (DURATION / ROUNDS s each)
//   BENCH_SUBGRAPH_WARMUP=5: seconds per read scenario that warm the subgraphs before any gateway is measured
//   BENCH_ONLY=<part of a scenario name> (e.g. exchange, catalog): those scenarios alone
//   BENCH_PROFILE=<subgraph or gateway>: a V8 CPU profile of that process (--cpu-prof, in the OS temp dir)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import ts from 'typescript';
import { prepareDatabase, SUBGRAPHS } from '@retail/graph';
import { Database, makeViewer, secretKeys, signDevToken, signViewer, subgraphPaths, VIEWER_HEADER, type Viewer } from '@retail/platform';
import { reconcile } from '@retail/points';
import { DEMO_PEOPLE_IN_BOTH } from '@retail/points/demo';
import { COMMIT_EXCHANGE, EXCHANGE_COMMIT_NAME, QUOTE_EXCHANGE, SCENARIOS, type Scenario } from './scenarios';
import { markdownTable, ratioRows, withOperationName, type Measured, type Row } from './table';

const ROOT = path.resolve(__dirname, '..');
const ARGS = process.argv.slice(2);
const QUICK = ARGS.includes('--quick');
const WITH_PEERS = ARGS.includes('--peers');
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_DURATION ?? (QUICK ? 3 : 10));
const WARMUP = QUICK ? 1 : 2;
/** Slices per scenario and gateway (runScenarios): the gateways take turns, DURATION / ROUNDS seconds each. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 4)));
/** Seconds per read scenario that warm the subgraphs before any gateway is measured (warmSubgraphs). */
const SUBGRAPH_WARMUP = QUICK ? 0 : Number(process.env.BENCH_SUBGRAPH_WARMUP ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GATEWAY_PORT = Number(process.env.BENCH_PORT ?? 4900);
/** A database of this run's own (two benches at once, on different BENCH_PORTs, do not collide); dropped at the end. */
const DB_NAME = `retail_bench_${process.pid}`;
/** Quotes made, and committed, per target of the exchange scenario (each quote is committed once). */
const EXCHANGES = Number(process.env.BENCH_EXCHANGES ?? (QUICK ? 400 : 3000));
const ONLY = process.env.BENCH_ONLY?.toLowerCase();
const PROFILE = process.env.BENCH_PROFILE;
const PEERS_DIR = path.join(ROOT, 'bench/peers');
const CLK_TCK = 100;

const selected = (s: Pick<Scenario, 'name'>) => !ONLY || s.name.toLowerCase().includes(ONLY);

function launch(args: string[], env: NodeJS.ProcessEnv, profile = false): ChildProcess {
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(os.tmpdir(), 'bench-profile')}`] : [];
  const p = spawn(process.execPath, [...flags, '--conditions=production', ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  procs.push(p);
  return p;
}
const procs: ChildProcess[] = [];

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 5000).unref();
  });
}

/** Ready when /healthz answers, or (a peer without one) when `{ __typename }` does. */
async function waitReady(port: number, p?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (p && p.exitCode !== null) throw new Error(`the process for port ${port} exited (${p.exitCode})`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
      const r = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      if (r.ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`port ${port} not ready`);
}

/** The sum of a metric's samples whose line contains every `labels` part. */
async function metric(port: number, name: string, labels: string[] = []): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && labels.every((x) => l.includes(x)))
    .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

/** CPU seconds (user + system) a process has used, from /proc: the same measure for this gateway and the peers. */
function processCpu(p: ChildProcess): number {
  const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * Waits (up to 3 minutes) until the subgraphs, just started on a freshly seeded database, have worked off what
 * the seed left them (outbox relays, event consumers' read models, jobs): until together they use under 10 % of a
 * core for 3 seconds in a row (idle, their polls use 3–8 %). Measured before that, the first gateway's requests would share the subgraphs' CPU
 * with the backlog.
 */
async function settled(subgraphs: readonly ChildProcess[]): Promise<void> {
  const started = Date.now();
  const cpu = () => subgraphs.reduce((a, p) => a + processCpu(p), 0);
  let quiet = 0;
  let last = cpu();
  while (quiet < 3 && Date.now() - started < 180_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpu();
    quiet = now - last < 0.1 ? quiet + 1 : 0;
    last = now;
  }
  console.error(`subgraphs settled after ${Math.round((Date.now() - started) / 1000)} s${quiet < 3 ? ' (not quiet yet: measuring anyway)' : ''}`);
}

/** A gateway under test: this project's, or a peer. */
interface GatewayUnderTest {
  label: string;
  port: number;
  proc: ChildProcess;
}

interface Counters {
  gatewayCpu: number;
  subgraphCpu: number[];
  sql: number[];
  calls: number[];
}

async function counters(gw: GatewayUnderTest, subgraphPorts: number[]): Promise<Counters> {
  const [subgraphCpu, sql, calls] = await Promise.all([
    Promise.all(subgraphPorts.map((p) => metric(p, 'process_cpu_seconds_total'))),
    Promise.all(subgraphPorts.map((p) => metric(p, 'sql_statements_per_request_sum'))),
    Promise.all(subgraphPorts.map((p) => metric(p, 'http_requests_total', ['route="graphql"']))),
  ]);
  return { gatewayCpu: processCpu(gw.proc), subgraphCpu, sql, calls };
}

/** The measured columns from counters before and after `requests` requests. */
function perRequestColumns(before: Counters, after: Counters, requests: number): { row: Row; gatewayCpuMs: number; graphCpuMs: number } {
  const per = (n: number) => n / Math.max(1, requests);
  const gatewayCpuMs = per((after.gatewayCpu - before.gatewayCpu) * 1000);
  const cpu = SUBGRAPHS.map((sg, i) => [sg.name, per((after.subgraphCpu[i]! - before.subgraphCpu[i]!) * 1000)] as const);
  const subgraphCpuMs = cpu.reduce((a, [, n]) => a + n, 0);
  const sql = SUBGRAPHS.map((sg, i) => [sg.name, per(after.sql[i]! - before.sql[i]!)] as const);
  const calls = SUBGRAPHS.map((sg, i) => [sg.name, per(after.calls[i]! - before.calls[i]!)] as const);
  const sum = (xs: readonly (readonly [string, number])[]) => xs.reduce((a, [, n]) => a + n, 0);
  const by = (xs: readonly (readonly [string, number])[], digits: number) => xs.filter(([, n]) => n >= 0.05).map(([name, n]) => `${name} ${n.toFixed(digits)}`).join(', ');
  return {
    gatewayCpuMs,
    graphCpuMs: gatewayCpuMs + subgraphCpuMs,
    row: {
      'gateway CPU ms/req': gatewayCpuMs.toFixed(2),
      'subgraphs CPU ms/req': subgraphCpuMs.toFixed(2),
      'by subgraph': by(cpu, 2),
      'SQL/req': sum(sql).toFixed(1),
      'subgraph calls/req': sum(calls).toFixed(2),
      'calls by subgraph': by(calls, 2),
    },
  };
}

/** Compiled JavaScript up to date (tsc -b is incremental); a failed build is reported and the existing dist used. */
function build(): string {
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return 'compiled JS (npm run build, up to date)';
  const missing = [path.join(ROOT, 'gateway/dist/main.js'), ...SUBGRAPHS.map((s) => subgraphPaths(s).main.compiled)].filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`npm run build failed and ${missing.join(', ')} missing:\n${r.stdout}${r.stderr}`);
  console.error(`npm run build failed; benchmarking the existing dist/:\n${(r.stdout + r.stderr).split('\n').slice(0, 10).join('\n')}`);
  return 'compiled JS (npm run build FAILED: dist/ may be stale)';
}

function versionOf(pkg: string, from = ROOT): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(from, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** The peers installed (npm install --prefix bench/peers) and the runner transpiled to bench/peers/dist; why not, else. */
function preparePeers(): string | undefined {
  const installed = () => ['@apollo/gateway', '@graphql-hive/gateway'].every((p) => fs.existsSync(path.join(PEERS_DIR, 'node_modules', p, 'package.json')));
  if (!installed()) {
    console.error('installing the peer gateways into bench/peers/ …');
    const r = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0 || !installed()) return `npm install --prefix bench/peers failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' / ')}`;
  }
  fs.mkdirSync(path.join(PEERS_DIR, 'dist'), { recursive: true });
  for (const file of ['runner.ts', 'viewer-signing.ts']) {
    const out = ts.transpileModule(fs.readFileSync(path.join(PEERS_DIR, file), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    fs.writeFileSync(path.join(PEERS_DIR, 'dist', file.replace(/\.ts$/, '.js')), out.outputText);
  }
  return undefined;
}

/** The response as compared between gateways: JSON with object keys sorted. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

interface Phase {
  rows: Row[];
  measured: Measured[];
  exchange: ExchangeReport[];
  responses: Record<string, string>;
}

/** Every read scenario through one gateway: a check request, a warm-up, the timed run. */
/** The scenarios a gateway runs: those of its response cache mode (none: RESPONSE_CACHE=off, and the peers). */
const ofCacheMode = (mode: Scenario['responseCache']) => (s: Scenario) => s.responseCache === mode;

const CACHED_IN_MEMORY = 'this gateway, response cache in memory';
const FLOOR = 'bare Node HTTP server, the same answer, no work (the floor)';
/** The floor's server: reads each request to its end and answers BODY; no framework, no logging, no metrics. */
const FLOOR_SERVER = `const body = process.env.BODY, length = Buffer.byteLength(body);
require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': length }); res.end(body); });
}).listen(Number(process.env.PORT), '127.0.0.1');`;

/** A scenario's answers are compared by what it asks (a cached read against the same read uncached). */
const askedKey = (s: Scenario) => canonical({ query: s.query, variables: firstVariables(s), as: s.as ?? null });

/** The variables of a scenario's first request (the one whose answers are compared). */
const firstVariables = (s: Scenario) => s.variables ?? s.variablesPerRequest?.(0) ?? {};

/** A scenario's first request (whose answer is compared) and the autocannon options of its load. */
async function scenarioLoad(s: Scenario, url: string, jwtSecret: string) {
  const variables = firstVariables(s);
  const body = JSON.stringify({ query: s.query, variables });
  // The n-th request's body, when requests differ (a new operation name, other variables).
  const bodyOf = (n: number) =>
    JSON.stringify({ query: s.uniqueOperationNames ? withOperationName(s.query, n) : s.query, variables: s.variablesPerRequest ? s.variablesPerRequest(n) : variables });
  // A token lives for an hour at most (JWT_MAX_LIFETIME_S), longer than any run.
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(s.as ? { authorization: `Bearer ${await signDevToken(s.as, { secret: jwtSecret })}` } : {}) };
  let n = 0;
  const opts = {
    url,
    method: 'POST' as const,
    headers,
    body,
    connections: CONNECTIONS,
    ...(s.uniqueOperationNames || s.variablesPerRequest ? { requests: [{ method: 'POST' as const, setupRequest: (req: autocannon.Request) => ({ ...req, body: bodyOf(n++) }) }] } : {}),
  };
  return { body, headers, opts };
}

/**
 * The subgraphs warmed before the first gateway is measured: every read scenario for SUBGRAPH_WARMUP s through a
 * gateway of its own, not measured. Without it the first gateway measured pays for the subgraphs' JIT warm-up
 * (their CPU per call fell by a seventh between the first and a second run of the same gateway).
 */
async function warmSubgraphs(gw: GatewayUnderTest, jwtSecret: string, runs: (s: Scenario) => boolean): Promise<void> {
  for (const s of SCENARIOS) {
    if (s.prepare || !selected(s) || !runs(s)) continue;
    const { opts } = await scenarioLoad(s, `http://127.0.0.1:${gw.port}/graphql`, jwtSecret);
    await autocannon({ ...opts, duration: SUBGRAPH_WARMUP });
  }
}

/** What the rounds of one gateway on one scenario add up to (counter deltas, requests, latencies). */
interface Tally {
  delta: Counters;
  requests: number;
  seconds: number;
  errors: number;
  /** Every response's latency (ms, to the microsecond: autocannon's own percentiles are whole milliseconds). */
  latencies: number[];
}

/** Counters at zero, to add the deltas of several timed slices into (addDelta). */
function zeroCounters(ports: readonly number[]): Counters {
  return { gatewayCpu: 0, subgraphCpu: ports.map(() => 0), sql: ports.map(() => 0), calls: ports.map(() => 0) };
}

/** Adds what the counters moved between `before` and `after` to `into`. */
function addDelta(into: Counters, before: Counters, after: Counters): void {
  into.gatewayCpu += after.gatewayCpu - before.gatewayCpu;
  for (const key of ['subgraphCpu', 'sql', 'calls'] as const) into[key] = into[key].map((v, i) => v + after[key][i]! - before[key][i]!);
}

/** One autocannon run, every response's latency (ms, to the microsecond) pushed onto `latencies`. */
function timedAutocannon(opts: autocannon.Options, latencies: number[]): Promise<autocannon.Result> {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(opts, (err: unknown, result) => (err ? reject(err as Error) : resolve(result)));
    run.on('response', (_client, _status, _bytes, ms) => void latencies.push(ms));
  });
}

/** The p50 and p99 columns of a row, from every response's latency. */
function latencyColumns(latencies: number[]): Row {
  const sorted = latencies.sort((a, b) => a - b);
  return { 'p50 ms': Number(percentile(sorted, 50).toFixed(2)), 'p99 ms': Number(percentile(sorted, 99).toFixed(2)) };
}

/** The p-th percentile (nearest rank) of ascending `sorted`. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Every read scenario through the gateways `gws`, started together: a check request to each, a warm-up of each,
 * then ROUNDS rounds in which each gateway in turn (the order rotating) carries the load for DURATION / ROUNDS
 * seconds. Measuring in alternating slices, not one gateway after the other, keeps a shared machine's drifting
 * load (other tenants, the subgraphs' own background work) from favouring whichever gateway ran in a quiet minute.
 * Only the gateway under load calls the subgraphs, so their counters are its. p50 and p99 are over every response
 * of the rounds, each timed to the microsecond.
 */
async function runScenarios(gws: readonly GatewayUnderTest[], subgraphPorts: number[], jwtSecret: string, runs: (s: Scenario) => boolean, given?: Record<string, string>): Promise<Phase[]> {
  const phases: Phase[] = gws.map(() => ({ rows: [], measured: [], exchange: [], responses: {} }));
  for (const s of SCENARIOS) {
    if (s.prepare || !selected(s) || !runs(s)) continue; // a write with fresh variables per request: runExchangeCommits
    const loads = await Promise.all(gws.map((gw) => scenarioLoad(s, `http://127.0.0.1:${gw.port}/graphql`, jwtSecret)));
    const ok: boolean[] = [];
    for (const [g, gw] of gws.entries()) {
      const { body, headers, opts } = loads[g]!;
      const check = (await (await fetch(opts.url, { method: 'POST', headers, body })).json()) as { data?: unknown; errors?: unknown };
      ok.push(!check.errors);
      if (check.errors) {
        phases[g]!.rows.push({ gateway: gw.label, scenario: s.name, 'req/s': '-', errors: `refused: ${JSON.stringify(check.errors).slice(0, 200)}` });
        continue;
      }
      phases[g]!.responses[askedKey(s)] = canonical(check);
      await autocannon({ ...opts, duration: WARMUP }); // warm-up: JIT, query plans, pools
    }
    const tallies: Tally[] = gws.map(() => ({ delta: zeroCounters(subgraphPorts), requests: 0, seconds: 0, errors: 0, latencies: [] }));
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < gws.length; k++) {
        const g = (k + round) % gws.length;
        if (!ok[g]) continue;
        const gw = gws[g]!;
        const t = tallies[g]!;
        const before = await counters(gw, subgraphPorts);
        const r = await timedAutocannon({ ...loads[g]!.opts, duration: DURATION / ROUNDS }, t.latencies);
        addDelta(t.delta, before, await counters(gw, subgraphPorts));
        t.requests += r.requests.total;
        t.seconds += r.duration;
        t.errors += r.errors + r.non2xx;
      }
    }
    // The reference answers: `given` (this gateway's, uncached) or the first gateway's own.
    const reference = given ? given[askedKey(s)] : phases[0]!.responses[askedKey(s)];
    for (const [g, gw] of gws.entries()) {
      if (!ok[g]) continue;
      const t = tallies[g]!;
      const cols = perRequestColumns(zeroCounters(subgraphPorts), t.delta, t.requests);
      const mine = phases[g]!.responses[askedKey(s)];
      const same = g === 0 && !given ? 'reference' : reference === undefined ? 'no reference' : reference === mine ? 'yes' : 'NO';
      const reqPerSecond = t.requests / Math.max(0.001, t.seconds);
      phases[g]!.rows.push({
        gateway: gw.label,
        scenario: s.name,
        'req/s': Math.round(reqPerSecond),
        ...latencyColumns(t.latencies),
        ...cols.row,
        errors: t.errors,
        requests: t.requests - t.errors,
        'same response': same,
      });
      phases[g]!.measured.push({ scenario: s.name, reqPerSecond, gatewayCpuMs: cols.gatewayCpuMs, graphCpuMs: cols.graphCpuMs });
    }
  }
  return phases;
}

async function main(): Promise<void> {
  const mode = build();
  const peerProblem = WITH_PEERS ? preparePeers() : undefined;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${DB_NAME}`;
  const dbUrl = u.toString();
  // Production mode needs real secrets: fresh ones for this run (the subgraphs' own, e.g. MEMBER_DATA_KEY, seed the demo too).
  const secret = () => crypto.randomBytes(32).toString('hex');
  const ownSecrets = Object.fromEntries(SUBGRAPHS.flatMap((s) => secretKeys(s.settings)).map((key) => [key, secret()]));
  const db = new Database({ url: dbUrl, service: 'bench' });
  await prepareDatabase(db, { seed: 'always', env: { ...process.env, ...ownSecrets } });
  const skuRows = await db.query<{ id: string }>(`SELECT s.id FROM products.sku s JOIN products.product p ON p.id = s.product_id WHERE p.brand_id = 'brand-lng' AND p.status = 'ACTIVE' ORDER BY s.id LIMIT 5`);
  await db.close();
  for (const s of SCENARIOS) if (s.query.includes('$skus')) s.variables = { ...s.variables, skus: skuRows.map((r) => r.id) };

  const jwtSecret = secret();
  const internalSecret = secret();
  // The exchange scenario commits thousands of exchanges a second for 67 people: its velocity limit out of the way.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...ownSecrets,
    DATABASE_URL: dbUrl,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    INTERNAL_SECRET: internalSecret,
    JWT_SECRET: jwtSecret,
    POINTS_EXCHANGE_LIMIT_PER_MINUTE: '100000',
  };
  // The Redis of the cached-read scenario on Redis (the rest of the bench runs without Redis).
  const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  delete env.REDIS_URL;
  const subgraphPorts: number[] = [];
  const subgraphUrls: Record<string, string> = {};
  for (const [i, subgraph] of SUBGRAPHS.entries()) {
    const port = GATEWAY_PORT + 1 + i;
    subgraphPorts.push(port);
    subgraphUrls[subgraph.name] = `http://127.0.0.1:${port}/graphql`;
    env[`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`] = subgraphUrls[subgraph.name];
  }
  const subgraphProcs = SUBGRAPHS.map((subgraph, i) => launch([subgraphPaths(subgraph).main.compiled], { ...env, PORT: String(subgraphPorts[i]) }, PROFILE === subgraph.name));
  await Promise.all(subgraphPorts.map((p, i) => waitReady(p, subgraphProcs[i])));
  await settled(subgraphProcs);

  const apolloVersion = versionOf('@apollo/gateway', PEERS_DIR);
  const hiveVersion = versionOf('@graphql-hive/gateway', PEERS_DIR);
  /** The gateways under test, this project's first (its responses are the reference); each started when its turn comes. */
  const ownGateway = (port: number, extra: NodeJS.ProcessEnv) => () =>
    launch([path.join(ROOT, 'gateway/dist/main.js')], { ...env, PORT: String(port), RATE_LIMIT_PER_MINUTE: '100000000', ...extra }, PROFILE === 'gateway');
  const gateways: { label: string; start?: () => ChildProcess; port: number; problem?: string; runs: (s: Scenario) => boolean; exchanges: boolean; comparedWithPeers?: boolean }[] = [
    { label: 'this gateway', port: GATEWAY_PORT, start: ownGateway(GATEWAY_PORT, { RESPONSE_CACHE: 'off' }), runs: ofCacheMode(undefined), exchanges: true, comparedWithPeers: true },
    { label: CACHED_IN_MEMORY, port: GATEWAY_PORT, start: ownGateway(GATEWAY_PORT, { RESPONSE_CACHE: 'on' }), runs: ofCacheMode('memory'), exchanges: false },
    {
      label: 'this gateway, response cache on Redis',
      port: GATEWAY_PORT,
      start: ownGateway(GATEWAY_PORT, { RESPONSE_CACHE: 'on', REDIS_URL: redisUrl, RESPONSE_CACHE_KEY_PREFIX: `bench-${process.pid}:` }),
      runs: ofCacheMode('redis'),
      exchanges: false,
    },
  ];
  if (WITH_PEERS) {
    for (const [kind, label, port] of [['apollo', `plain @apollo/gateway ${apolloVersion}`, GATEWAY_PORT - 10], ['hive', `Hive Gateway ${hiveVersion}`, GATEWAY_PORT - 9]] as const) {
      gateways.push({
        label,
        port,
        ...(peerProblem
          ? { problem: peerProblem }
          : { start: () => launch([path.join(PEERS_DIR, 'dist/runner.js'), kind], { ...env, PORT: String(port), SUPERGRAPH_FILE: path.join(ROOT, 'schema/supergraph.graphql'), SUBGRAPH_URLS: JSON.stringify(subgraphUrls) }) }),
        runs: ofCacheMode(undefined),
        exchanges: true,
        comparedWithPeers: true,
      });
    }
  }
  /**
   * Starts gateways together, runs `work` against those that came up, stops them; a peer that fails is reported,
   * not faked (this project's own gateway failing fails the bench).
   */
  const withGateways = async (gs: (typeof gateways)[number][], work: (gws: GatewayUnderTest[]) => Promise<void>): Promise<void> => {
    const up: { g: (typeof gateways)[number]; gw: GatewayUnderTest }[] = [];
    try {
      for (const g of gs) {
        if (!g.start || g.problem) continue;
        const proc = g.start();
        try {
          await waitReady(g.port, proc);
          up.push({ g, gw: { label: g.label, port: g.port, proc } });
        } catch (e) {
          await stop(proc);
          if (g.label.startsWith('this gateway')) throw e;
          g.problem = (e as Error).message;
        }
      }
      if (up.length === 0) return;
      try {
        await work(up.map((u) => u.gw));
      } catch (e) {
        if (up.length === 1 && !up[0]!.g.label.startsWith('this gateway')) up[0]!.g.problem = (e as Error).message;
        else throw e;
      }
    } finally {
      await Promise.all(up.map((u) => stop(u.gw.proc)));
    }
  };
  const withGateway = (g: (typeof gateways)[number], work: (gw: GatewayUnderTest) => Promise<void>) => withGateways([g], ([gw]) => work(gw!));

  if (SUBGRAPH_WARMUP > 0 && SCENARIOS.some((s) => !s.prepare && selected(s) && gateways[0]!.runs(s))) {
    await withGateway(gateways[0]!, (gw) => warmSubgraphs(gw, jwtSecret, gateways[0]!.runs));
  }
  // The reads first, then the writes (the exchanges change balances member-360 shows). This gateway (response
  // cache off) and the peers are measured together, in turns (runScenarios); the cached modes, on this gateway's
  // port, one after the other.
  const phases: { label: string; phase?: Phase; problem?: string }[] = gateways.map((g) => ({ label: g.label }));
  const compared = gateways.filter((g) => g.comparedWithPeers);
  await withGateways(compared, async (gws) => {
    const measured = await runScenarios(gws, subgraphPorts, jwtSecret, compared[0]!.runs);
    for (const [k, gw] of gws.entries()) phases[gateways.findIndex((g) => g.label === gw.label)]!.phase = measured[k];
  });
  for (const [i, g] of gateways.entries()) {
    if (g.comparedWithPeers || !SCENARIOS.some((s) => !s.prepare && selected(s) && g.runs(s))) continue; // a cached-read gateway with nothing selected
    await withGateway(g, async (gw) => {
      phases[i]!.phase = (await runScenarios([gw], subgraphPorts, jwtSecret, g.runs, phases[0]!.phase?.responses))[0];
    });
  }
  // The machine's floor under the cached reads: a bare Node HTTP server that does no work, answering the in-memory
  // cached read's bytes to the same load. Its p99 ÷ p50 is what this machine's scheduling allows at that speed
  // (docs/performance.md, "Tail latency of cached reads").
  const cachedRead = gateways.findIndex((g) => g.label === CACHED_IN_MEMORY);
  const floorScenario = SCENARIOS.find((s) => selected(s) && gateways[cachedRead]!.runs(s));
  const floorBody = floorScenario && phases[cachedRead]!.phase?.responses[askedKey(floorScenario)];
  if (floorBody) {
    const floor = {
      label: FLOOR,
      port: GATEWAY_PORT,
      start: () => launch(['-e', FLOOR_SERVER], { PORT: String(GATEWAY_PORT), BODY: floorBody }),
      runs: gateways[cachedRead]!.runs,
      exchanges: false,
    };
    gateways.push(floor);
    phases.push({ label: floor.label });
    await withGateway(floor, async (gw) => {
      phases[phases.length - 1]!.phase = (await runScenarios([gw], subgraphPorts, jwtSecret, floor.runs, phases[cachedRead]!.phase?.responses))[0];
    });
  }
  if (selected({ name: EXCHANGE_COMMIT_NAME })) {
    // This gateway, the points service directly and the peers, taking turns (runExchangeCommits).
    const committing = gateways.filter((g) => g.exchanges);
    await withGateways(committing, async (gws) => {
      const x = await prepareExchanges({ dbUrl, jwtSecret, internalSecret, subgraphPorts, pointsPort: subgraphPorts[SUBGRAPHS.findIndex((sg) => sg.name === 'points')]! });
      const targets: ExchangeTarget[] = gws.flatMap((gw) => (gw.label === gateways[0]!.label ? [{ gw, label: gw.label }, { gw: undefined, label: 'directly on points' }] : [{ gw, label: gw.label }]));
      const results = await runExchangeCommits(x, targets);
      for (const [k, target] of targets.entries()) {
        const owner = target.gw ?? gws.find((gw) => gw.label === gateways[0]!.label)!;
        const i = gateways.findIndex((g) => g.label === owner.label);
        const phase = (phases[i]!.phase ??= { rows: [], measured: [], exchange: [], responses: {} });
        phase.rows.push(results[k]!.row);
        phase.exchange.push(results[k]!.report);
        if (target.gw) phase.measured.push(results[k]!.measured);
      }
    });
  }

  for (const [i, g] of gateways.entries()) if (g.problem) phases[i]!.problem = g.problem;
  const oursPhase = phases[0]!.phase!;

  const rows = phases.flatMap((p) => p.phase?.rows ?? []);
  const table = markdownTable(rows);
  const measuredPeers = Object.fromEntries(phases.slice(1).flatMap((p) => (p.phase && p.label !== FLOOR ? [[p.label, p.phase.measured] as const] : [])));
  const ratios = WITH_PEERS ? markdownTable(ratioRows(oursPhase.measured, measuredPeers)) : '';
  const problems = phases.filter((p) => p.problem).map((p) => `- ${p.label}: NOT MEASURED: ${p.problem}`);
  const exchangeReports = phases.flatMap((p) => p.phase?.exchange ?? []);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const cpu = os.cpus();
  const meta = [
    `${mode}: \`node --conditions=production …/dist/main.js\` for the gateway and each subgraph${WITH_PEERS ? '; the peers via bench/peers/runner.ts transpiled to bench/peers/dist' : ''}`,
    `node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${CONNECTIONS} connections, ${SUBGRAPH_WARMUP ? `subgraphs warmed ${SUBGRAPH_WARMUP} s per scenario before the first gateway, then ` : ''}${WARMUP} s warm-up + ${DURATION} s per scenario and gateway${ROUNDS > 1 ? ` in ${ROUNDS} turns, this gateway and the peers taking turns` : ''}${QUICK ? ' (--quick)' : ''}, real PostgreSQL, NODE_ENV=production, no Redis (but for the response cache on Redis); RESPONSE_CACHE=off but for the cached public reads`,
    `@apollo/gateway ${versionOf('@apollo/gateway')}, @apollo/server ${versionOf('@apollo/server')}, @apollo/subgraph ${versionOf('@apollo/subgraph')}, graphql ${versionOf('graphql')}, pg ${versionOf('pg')}, autocannon ${versionOf('autocannon')}${WITH_PEERS ? `; peers: @apollo/gateway ${apolloVersion}, @apollo/server ${versionOf('@apollo/server', PEERS_DIR)}, @graphql-hive/gateway ${hiveVersion}` : ''}`,
    'Gateway CPU from /proc/<pid>/stat (the same measure for every gateway); subgraph CPU, SQL statements and subgraph calls from each subgraph\'s /metrics (process_cpu_seconds_total, sql_statements_per_request_sum, http_requests_total{route="graphql"}), before and after the timed run.',
  ].map((l) => `- ${l}`).join('\n');
  const report = [
    meta,
    '',
    table,
    ...(WITH_PEERS ? ['', '## this gateway ÷ peer (req/s above 1, CPU below 1: this gateway ahead)', '', ratios] : []),
    ...(problems.length ? ['', ...problems] : []),
    ...(exchangeReports.length ? ['', exchangeNotes(exchangeReports)] : []),
  ].join('\n');
  console.log(`\n${report}\n`);
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, `bench/results/${stamp}${WITH_PEERS ? '-peers' : ''}${QUICK ? '-quick' : ''}.md`), `# npm run bench ${ARGS.join(' ')}, ${new Date().toISOString()}\n\n${report}\n`);
  fs.writeFileSync(path.join(ROOT, 'bench/results/latest.json'), JSON.stringify({ at: new Date().toISOString(), args: ARGS, meta, rows, ratios: WITH_PEERS ? ratioRows(oursPhase.measured, measuredPeers) : undefined, problems, exchange: exchangeReports }, null, 2));
  if (exchangeReports.some((r) => r.lost + r.duplicated > 0)) throw new Error('the conservation query found lost or duplicated effects of exchange commits');
}

interface ExchangeSetup {
  dbUrl: string;
  jwtSecret: string;
  internalSecret: string;
  subgraphPorts: number[];
  pointsPort: number;
}

/** What one target's commit run found. */
interface ExchangeReport {
  target: string;
  quotes: number;
  quotesPerSecond: number;
  committed: number;
  commitsPerSecond: number;
  refused: Record<string, number>;
  /** Client-observed successes the database lacks, and database effects beyond them (both must be 0). */
  lost: number;
  duplicated: number;
  sqlPerCommit: number;
  pointsCpuMsPerCommit: number;
  gatewayCpuMsPerCommit: number | null;
  /** Sampled during the run: backends running a statement, and of them waiting for a lock. */
  activeBackends: number;
  lockWaiting: number;
  machineCpuBusy: number;
}

/** Up to `width` promises at a time. */
async function pool<T>(items: readonly T[], width: number, run: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await run(items[i]!, i);
    }
  }));
}

function machineCpu(): { busy: number; total: number } {
  return os.cpus().reduce((a, c) => {
    const total = Object.values(c.times).reduce((x, y) => x + y, 0);
    return { busy: a.busy + total - c.times.idle, total: a.total + total };
  }, { busy: 0, total: 0 });
}

interface Exchanges extends ExchangeSetup {
  agreementId: string;
  tokens: string[];
  memberOf(p: (typeof DEMO_PEOPLE_IN_BOTH)[number]): Viewer;
  signed(viewer: Viewer, body: string): Record<string, string>;
  askPoints<D>(viewer: Viewer, query: string, variables: Record<string, unknown>): Promise<D>;
}

/**
 * What the points-exchange-commit runs share, made through this project's gateway once: an agreement of its own
 * (1:1, no daily limit to speak of), proposed, accepted and switched on, and 1 000 000 朗蜜 points for every person
 * of both brands (internal earnPoints, as a SERVICE).
 */
async function prepareExchanges(setup: ExchangeSetup): Promise<Exchanges> {
  const gateway = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;
  const pointsUrl = `http://127.0.0.1:${setup.pointsPort}/graphql`;
  const platformToken = await signDevToken({ role: 'PLATFORM_ADMIN', subject: 'bench' }, { secret: setup.jwtSecret });
  const askGateway = async <D>(query: string, variables: Record<string, unknown>): Promise<D> => {
    const res = (await (await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${platformToken}` }, body: JSON.stringify({ query, variables }) })).json()) as { data?: D; errors?: unknown };
    if (res.errors || !res.data) throw new Error(`gateway: ${JSON.stringify(res.errors)}`);
    return res.data;
  };
  const signed = (viewer: Viewer, body: string) => ({ 'content-type': 'application/json', [VIEWER_HEADER]: signViewer(viewer, setup.internalSecret, { method: 'POST', path: '/graphql', body }) });
  const askPoints = async <D>(viewer: Viewer, query: string, variables: Record<string, unknown>): Promise<D> => {
    const body = JSON.stringify({ query, variables });
    const res = (await (await fetch(pointsUrl, { method: 'POST', headers: signed(viewer, body), body })).json()) as { data?: D; errors?: unknown };
    if (res.errors || !res.data) throw new Error(`points: ${JSON.stringify(res.errors)}`);
    return res.data;
  };
  const made = await askGateway<{ createPartnerAgreement: { agreement: { id: string } | null; userErrors: unknown[] } }>(
    `mutation($input: CreatePartnerAgreementInput!) { createPartnerAgreement(input: $input) { agreement { id } userErrors { code message } } }`,
    { input: { fromBrandId: 'brand-lng', toBrandId: 'brand-csm', rate: { fromPoints: 1, toPoints: 1 }, minPoints: 1, dailyLimitPerMember: 10_000_000, pricePerPoint: { amount: '0.01', currency: 'CNY' }, validFrom: '2024-01-01T00:00:00Z' } },
  );
  const agreementId = made.createPartnerAgreement.agreement?.id;
  if (!agreementId) throw new Error(`bench agreement: ${JSON.stringify(made.createPartnerAgreement.userErrors)}`);
  await askGateway(`mutation { acceptPartnerAgreement(input: { agreementId: "${agreementId}" }) { userErrors { code } } }`, {});
  await askGateway(`mutation { setPartnerAgreementActive(input: { agreementId: "${agreementId}", active: true }) { userErrors { code } } }`, {});
  const service = makeViewer({ role: 'SERVICE', subject: 'bench' });
  await pool(DEMO_PEOPLE_IN_BOTH, 8, async (p, i) => {
    await askPoints(service, `mutation($input: EarnPointsInput!) { earnPoints(input: $input) { userErrors { code } } }`, {
      input: { idempotencyKey: `bench-credit-${i}`, memberId: p.lngMemberId, brandId: 'brand-lng', points: 1_000_000, reason: 'bench' },
    });
  });
  const memberOf = (p: (typeof DEMO_PEOPLE_IN_BOTH)[number]) => makeViewer({ role: 'MEMBER', brandId: 'brand-lng', memberId: p.lngMemberId });
  const tokens = await Promise.all(DEMO_PEOPLE_IN_BOTH.map((p) => signDevToken({ role: 'MEMBER', brandId: 'brand-lng', memberId: p.lngMemberId }, { secret: setup.jwtSecret })));
  return { ...setup, agreementId, tokens, memberOf, signed, askPoints };
}

/** A target of the exchange scenario: a gateway, or (none) the points service directly. */
interface ExchangeTarget {
  gw: GatewayUnderTest | undefined;
  label: string;
}

/**
 * The points-exchange-commit scenario through the targets, taking turns: every commit needs a fresh quote (valid 60
 * seconds), so in each of ROUNDS rounds each target in turn (the order rotating) has EXCHANGES / ROUNDS quotes made
 * (directly on points, as the members; each asks members for the OneIDs) and then commits them, oldest first, in
 * a timed run. Afterwards the conservation query (reconcile) and the count of exchanges booked under each target's
 * keys must match what its clients were told: no lost and no duplicated effect.
 */
async function runExchangeCommits(x: Exchanges, targets: readonly ExchangeTarget[]): Promise<{ row: Row; report: ExchangeReport; measured: Measured }[]> {
  const pointsIndex = x.subgraphPorts.indexOf(x.pointsPort);
  const tallies = targets.map((t) => ({
    keyPrefix: `bench-${t.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-`,
    next: 0,
    quoteSeconds: 0,
    commitSeconds: 0,
    committed: 0,
    requests: 0,
    errors: 0,
    refused: {} as Record<string, number>,
    delta: zeroCounters(x.subgraphPorts),
    machine: { busy: 0, total: 0 },
    samples: [] as { active: number; lock: number }[],
    latencies: [] as number[],
  }));
  const sample = new pg.Client({ connectionString: x.dbUrl });
  await sample.connect();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const amount = Math.floor(EXCHANGES / ROUNDS) + (round < EXCHANGES % ROUNDS ? 1 : 0);
      for (let k = 0; k < targets.length; k++) {
        const ti = (k + round) % targets.length;
        const { gw } = targets[ti]!;
        const t = tallies[ti]!;
        const quotes: { quoteId: string; person: number }[] = [];
        const q0 = Date.now();
        await pool(Array.from({ length: amount }, (_, i) => (t.next + i) % DEMO_PEOPLE_IN_BOTH.length), 16, async (person) => {
          const p = DEMO_PEOPLE_IN_BOTH[person]!;
          const r = await x.askPoints<{ quotePointsExchange: { quote: { id: string } | null; userErrors: unknown[] } }>(x.memberOf(p), QUOTE_EXCHANGE, {
            input: { agreementId: x.agreementId, fromMemberId: p.lngMemberId, toMemberId: p.csmMemberId, fromPoints: 10 },
          });
          if (!r.quotePointsExchange.quote) throw new Error(`quote: ${JSON.stringify(r.quotePointsExchange.userErrors)}`);
          quotes.push({ quoteId: r.quotePointsExchange.quote.id, person });
        });
        t.quoteSeconds += (Date.now() - q0) / 1000;

        const first = t.next;
        t.next += amount;
        let n = 0;
        const bodyOf = (i: number) => JSON.stringify({ query: COMMIT_EXCHANGE, variables: { input: { idempotencyKey: `${t.keyPrefix}${first + i}`, quoteId: quotes[i]!.quoteId } } });
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const r = await sample.query<{ active: number; lock: number }>(
              `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')::int AS lock
                 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
            );
            t.samples.push(r.rows[0]!);
            await new Promise((res) => setTimeout(res, 20));
          }
        })();
        const read = async () => ({ ...(await counters({ label: targets[ti]!.label, port: 0, proc: gw?.proc ?? procs[0]! }, x.subgraphPorts)), machine: machineCpu() });
        const before = await read();
        const url = gw ? `http://127.0.0.1:${gw.port}/graphql` : `http://127.0.0.1:${x.pointsPort}/graphql`;
        // Timed here: autocannon's own duration of a run of a fixed amount ends at its next whole-second tick.
        const c0 = performance.now();
        const r = await timedAutocannon(
          {
            url,
            method: 'POST',
            connections: CONNECTIONS,
            amount,
            requests: [
              {
                method: 'POST',
                setupRequest: (req) => {
                  const i = n++;
                  const body = bodyOf(i);
                  const person = DEMO_PEOPLE_IN_BOTH[quotes[i]!.person]!;
                  const headers = gw ? { 'content-type': 'application/json', authorization: `Bearer ${x.tokens[quotes[i]!.person]!}` } : x.signed(x.memberOf(person), body);
                  return { ...req, body, headers };
                },
                onResponse: (status, body) => {
                  let payload: { exchange: unknown; userErrors: { code: string }[] } | undefined;
                  let code: string | undefined;
                  try {
                    const parsed = JSON.parse(body) as { data?: { commitPointsExchange?: { exchange: unknown; userErrors: { code: string }[] } }; errors?: { extensions?: { code?: string } }[] };
                    payload = parsed.data?.commitPointsExchange;
                    code = payload?.userErrors[0]?.code ?? parsed.errors?.[0]?.extensions?.code;
                  } catch {
                    code = 'unparsable response';
                  }
                  if (status === 200 && payload?.exchange) t.committed++;
                  else t.refused[code ?? `HTTP ${status}`] = (t.refused[code ?? `HTTP ${status}`] ?? 0) + 1;
                },
              },
            ],
          },
          t.latencies,
        );
        const after = await read();
        sampling = false;
        await sampler;
        addDelta(t.delta, before, after);
        t.machine.busy += after.machine.busy - before.machine.busy;
        t.machine.total += after.machine.total - before.machine.total;
        t.commitSeconds += (performance.now() - c0) / 1000;
        t.requests += r.requests.total;
        t.errors += r.errors + r.non2xx;
      }
    }
  } finally {
    await sample.end();
  }

  const db = new Database({ url: x.dbUrl, service: 'bench' });
  let books: Awaited<ReturnType<typeof reconcile>>;
  let booked: Map<string, { n: number; quotes: number }>;
  try {
    books = await reconcile(db);
    booked = new Map();
    for (const t of tallies) {
      const [row] = (await db.query<{ n: number; quotes: number }>(`SELECT count(*)::int AS n, count(DISTINCT quote_id)::int AS quotes FROM points.exchange WHERE idempotency_key LIKE $1`, [`${t.keyPrefix}%`])) as [{ n: number; quotes: number }];
      booked.set(t.keyPrefix, row);
    }
  } finally {
    await db.close();
  }
  const faults = books.accountsOff + books.lotsOff + books.exchangesOff + books.strayEntries + books.duplicateQuotes + books.settlementOff + Math.abs(books.unbalanced);
  return targets.map(({ gw, label }, ti) => {
    const t = tallies[ti]!;
    const b = booked.get(t.keyPrefix)!;
    const lost = Math.max(0, t.committed - b.n) + faults;
    const duplicated = Math.max(0, b.n - t.committed) + (b.n - b.quotes);
    const cols = perRequestColumns(zeroCounters(x.subgraphPorts), t.delta, t.requests);
    const mean = (f: (s: { active: number; lock: number }) => number) => Number((t.samples.reduce((a, s) => a + f(s), 0) / Math.max(1, t.samples.length)).toFixed(1));
    const report: ExchangeReport = {
      target: label,
      quotes: t.next,
      quotesPerSecond: Math.round(t.next / Math.max(0.001, t.quoteSeconds)),
      committed: t.committed,
      commitsPerSecond: Math.round(t.committed / Math.max(0.001, t.commitSeconds)),
      refused: t.refused,
      lost,
      duplicated,
      sqlPerCommit: Number(cols.row['SQL/req']),
      pointsCpuMsPerCommit: Number(((t.delta.subgraphCpu[pointsIndex]! * 1000) / Math.max(1, t.requests)).toFixed(2)),
      gatewayCpuMsPerCommit: gw ? Number(cols.gatewayCpuMs.toFixed(2)) : null,
      activeBackends: mean((s) => s.active),
      lockWaiting: mean((s) => s.lock),
      machineCpuBusy: Number((t.machine.busy / Math.max(1, t.machine.total)).toFixed(2)),
    };
    const row: Row = {
      gateway: label,
      scenario: `${EXCHANGE_COMMIT_NAME} (${t.next} quotes made before, in ${ROUNDS} turns)`,
      'req/s': report.commitsPerSecond,
      ...latencyColumns(t.latencies),
      ...cols.row,
      'gateway CPU ms/req': gw ? cols.row['gateway CPU ms/req']! : '-',
      errors: t.errors + Object.values(t.refused).reduce((a, c) => a + c, 0),
      requests: t.committed,
      'same response': lost + duplicated === 0 ? 'books balance' : 'BOOKS OFF',
    };
    return { row, report, measured: { scenario: EXCHANGE_COMMIT_NAME, reqPerSecond: report.commitsPerSecond, gatewayCpuMs: gw ? cols.gatewayCpuMs : null, graphCpuMs: gw ? cols.graphCpuMs : null } };
  });
}

function exchangeNotes(report: readonly ExchangeReport[]): string {
  return [
    '## points-exchange-commit',
    '',
    'Each row commits every quote once (autocannon `amount`); req/s is committed exchanges per second. Quotes are made before the timed run, directly on points as the members.',
    '',
    '| target | quotes made/s | committed | commits/s | refused | lost | duplicated | SQL/commit | points CPU ms/commit | gateway CPU ms/commit | active backends | of them waiting on a lock | machine CPU busy |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...report.map((e) => `| ${e.target} | ${e.quotesPerSecond} | ${e.committed} | ${e.commitsPerSecond} | ${JSON.stringify(e.refused)} | ${e.lost} | ${e.duplicated} | ${e.sqlPerCommit} | ${e.pointsCpuMsPerCommit} | ${e.gatewayCpuMsPerCommit ?? '-'} | ${e.activeBackends} | ${e.lockWaiting} | ${Math.round(e.machineCpuBusy * 100)} % |`),
  ].join('\n');
}

main()
  .catch((e) => {
    console.error(`bench failed: ${(e as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(procs.map(stop));
    const admin = new pg.Client({ connectionString: PG_URL });
    try {
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    } catch (e) {
      console.error(`could not drop ${DB_NAME}: ${(e as Error).message}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  });
