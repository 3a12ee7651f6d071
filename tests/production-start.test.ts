// `npm run build && npm run start:prod` with DATABASE_URL: every service runs as compiled JavaScript
// (no tsx in any process), and the graph it serves is the one `npm start` serves from the sources: the
// same schema, the same answers to the README's queries.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { createTestDatabase, postGraphQL, type TestDatabase } from '@retail/platform/testing';
import { startTestGraph, TEST_JWT_SECRET, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

const ROOT = path.resolve(__dirname, '..');
// Below Linux's ephemeral range (32768+), where client sockets could already hold the port.
const base = 20000 + Math.floor(Math.random() * 12000);
const ports = { gateway: base, stores: base + 1, members: base + 2, products: base + 3, orders: base + 4, points: base + 5, channels: base + 6 };
let output = '';
let proc: ChildProcess | undefined;
let database: TestDatabase;
let graph: TestGraph;

const prod = (q: string, v: Record<string, unknown> = {}, token?: string) =>
  postGraphQL(`http://127.0.0.1:${ports.gateway}/graphql`, q, v, token ? { authorization: `Bearer ${token}` } : {});

async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline || proc?.exitCode != null) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The command lines of a process's descendants (Linux /proc). */
function descendantCommands(pid: number): string[] {
  const children = (p: number): number[] => {
    const file = `/proc/${p}/task/${p}/children`;
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
  };
  const out: string[] = [];
  const visit = (p: number) => {
    for (const c of children(p)) {
      out.push(fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').join(' ').trim());
      visit(c);
    }
  };
  visit(pid);
  return out;
}

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 240_000 });
  database = await createTestDatabase('prod-start');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(ports.gateway),
    STORES_PORT: String(ports.stores),
    PRODUCTS_PORT: String(ports.products),
    MEMBERS_PORT: String(ports.members),
    ORDERS_PORT: String(ports.orders),
    POINTS_PORT: String(ports.points),
    CHANNELS_PORT: String(ports.channels),
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
  };
  delete env.REDIS_URL;
  proc = spawn('npm', ['run', 'start:prod'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // The graph from the sources, to compare with, starts while the compiled one does.
  const [compiled, fromSources] = await Promise.allSettled([waitFor(() => output.includes('the graph is up'), 120_000, 'npm run start:prod'), startTestGraph()]);
  if (fromSources.status === 'fulfilled') graph = fromSources.value;
  for (const started of [compiled, fromSources]) if (started.status === 'rejected') throw started.reason;
}, 300_000);

afterAll(async () => {
  if (proc?.pid && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    process.kill(-proc.pid, 'SIGINT');
    await exited;
  }
  await graph?.close();
  await database?.drop();
}, 60_000);

test('every service runs compiled JavaScript', () => {
  expect(output).toMatch(/running the compiled services/);
  const commands = descendantCommands(proc!.pid!).filter((c) => path.basename(c.split(' ')[0]!) === 'node');
  const services = commands.filter((c) => c.includes('--conditions=production'));
  expect(services.map((c) => c.split(' ').pop()?.replace(ROOT + path.sep, '')).sort()).toEqual(
    ['gateway/dist/main.js', 'graph/dist/start.js', 'subgraphs/channels/dist/main.js', 'subgraphs/members/dist/main.js', 'subgraphs/orders/dist/main.js', 'subgraphs/points/dist/main.js', 'subgraphs/products/dist/main.js', 'subgraphs/stores/dist/main.js'].sort(),
  );
  expect(commands.filter((c) => c.includes('tsx'))).toEqual([]);
});

test('serves the same schema as the graph from the sources', async () => {
  const schemaOf = async (res: Promise<{ data?: unknown }>) => printSchema(buildClientSchema((await res).data as IntrospectionQuery));
  expect(await schemaOf(prod(getIntrospectionQuery()))).toBe(await schemaOf(graph.query(getIntrospectionQuery())));
});

test.each([
  ['anonymous store finder with stock', `{ stores(first: 5, filter: { brandId: "brand-lng" }) { totalCount edges { node { id name openingHours { dayOfWeek opens closes } stock(skuIds: ["sku-lng-br-2401-bk-75b"]) { available } } } } }`, null],
  ['catalog search with a store price', `{ products(filter: { brandId: "brand-lng", query: "文胸" }, first: 10) { totalCount edges { node { title skus { code listPrice { amount } storePrice(storeId: "store-lng-04") { amount } } } } } }`, null],
  ['franchisee portal', `{ viewer { role franchisee { name kind } } stores(first: 50) { totalCount edges { node { code name guides { edges { node { name status } } } } } } }`, { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' }],
  ["franchisee's members", `{ members(first: 10) { totalCount edges { node { id oneId phoneMasked tier { code name } homeStore { name } guide { name } } } } }`, { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' }],
] as const)('answers the %s like the graph from the sources', async (_name, query, viewer) => {
  const token = viewer ? await tokenFor(viewer) : undefined;
  const fromProd = await prod(query, {}, token);
  expect(fromProd.errors).toBeUndefined();
  expect(fromProd.data).toEqual((await graph.query(query, {}, token)).data);
});
