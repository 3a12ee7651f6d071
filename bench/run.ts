// npm run bench: the whole graph on real PostgreSQL (each service its own process, as in production),
// loaded with autocannon; prints and saves a table under bench/results/.
//   BENCH_DURATION=10 BENCH_CONNECTIONS=10 DATABASE_URL=postgres://... npm run bench
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { prepareDatabase, SUBGRAPHS } from '@retail/graph';
import { Database, secretKeys, subgraphPaths } from '@retail/platform';

const ROOT = path.resolve(__dirname, '..');
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const GATEWAY_PORT = Number(process.env.BENCH_PORT ?? 4900);
const DB_NAME = 'retail_bench';

interface Scenario {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'stores list + stock + per-store prices (20 stores × 5 SKUs)',
    query: `query($skus: [ID!]!) { stores(first: 20) { edges { node { id name address { city } openingHours { dayOfWeek opens closes } pickupEnabled
      stock(skuIds: $skus) { available sku { code listPrice { amount currency } storePrice(storeId: "store-lng-01") { amount } } } } } } }`,
  },
  {
    name: 'catalog search (brand + text, 20 products with SKUs and store price)',
    query: `{ products(first: 20, filter: { brandId: "brand-lng" }) { totalCount edges { node { id title category images
      skus { code attributes { name value } listPrice { amount } storePrice(storeId: "store-lng-01") { amount } } } } } }`,
  },
];

const procs: ChildProcess[] = [];

function launch(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  const p = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  procs.push(p);
  return p;
}

async function waitHealthy(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`port ${port} not healthy`);
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && !l.startsWith('#'))
    .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
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
  SCENARIOS[0]!.variables = { skus: skuRows.map((r) => r.id) };

  const env: NodeJS.ProcessEnv = { ...process.env, ...ownSecrets, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', NODE_ENV: 'production', INTERNAL_SECRET: secret(), JWT_SECRET: secret() };
  delete env.REDIS_URL;
  const subgraphPorts: number[] = [];
  for (const [i, subgraph] of SUBGRAPHS.entries()) {
    const port = GATEWAY_PORT + 1 + i;
    subgraphPorts.push(port);
    env[`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`] = `http://127.0.0.1:${port}/graphql`;
    launch(subgraphPaths(subgraph).main.source, { ...env, PORT: String(port) });
  }
  await Promise.all(subgraphPorts.map(waitHealthy));
  launch(path.join(ROOT, 'gateway/src/main.ts'), { ...env, PORT: String(GATEWAY_PORT), RATE_LIMIT_PER_MINUTE: '100000000' });
  await waitHealthy(GATEWAY_PORT);

  const rows: Record<string, string | number>[] = [];
  for (const s of SCENARIOS) {
    const body = JSON.stringify({ query: s.query, variables: s.variables ?? {} });
    const check = await (await fetch(`http://127.0.0.1:${GATEWAY_PORT}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json() as { errors?: unknown };
    if (check.errors) throw new Error(`${s.name}: ${JSON.stringify(check.errors)}`);
    const opts = { url: `http://127.0.0.1:${GATEWAY_PORT}/graphql`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS };
    await autocannon({ ...opts, duration: 2 }); // warm-up: JIT, query plans, pools
    const cpu0 = await metric(GATEWAY_PORT, 'process_cpu_seconds_total');
    let sql0 = 0;
    for (const p of subgraphPorts) sql0 += await metric(p, 'sql_statements_per_request_sum');
    const r = await autocannon({ ...opts, duration: DURATION });
    const cpu1 = await metric(GATEWAY_PORT, 'process_cpu_seconds_total');
    let sql1 = 0;
    for (const p of subgraphPorts) sql1 += await metric(p, 'sql_statements_per_request_sum');
    const ok = r.requests.total - r.non2xx - r.errors;
    rows.push({
      scenario: s.name,
      'req/s': Math.round(r.requests.average),
      'p50 ms': r.latency.p50,
      'p99 ms': r.latency.p99,
      'gateway CPU ms/req': ((cpu1 - cpu0) * 1000 / Math.max(1, r.requests.total)).toFixed(2),
      'SQL/req': ((sql1 - sql0) / Math.max(1, r.requests.total)).toFixed(1),
      errors: r.errors + r.non2xx,
      requests: ok,
    });
  }

  const header = Object.keys(rows[0]!);
  const table = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${header.map((h) => r[h]).join(' | ')} |`)].join('\n');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const meta = `node ${process.version}, ${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per scenario, real PostgreSQL, NODE_ENV=production`;
  console.log(`\n${meta}\n\n${table}\n`);
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, `bench/results/${stamp}.md`), `# npm run bench, ${new Date().toISOString()}\n\n${meta}\n\n${table}\n`);
  fs.writeFileSync(path.join(ROOT, 'bench/results/latest.json'), JSON.stringify({ at: new Date().toISOString(), meta, rows }, null, 2));
}

main()
  .catch((e) => {
    console.error(`bench failed: ${(e as Error).message}`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const p of procs) p.kill('SIGTERM');
  });
