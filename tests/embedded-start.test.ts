// `npm start` on a fresh machine: no DATABASE_URL, no REDIS_URL. The embedded database is created,
// migrated and seeded; the graph answers a stores × products query; a restart keeps the data.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postGraphQL } from '@retail/platform/testing';
import { signDevToken } from '@retail/platform';

const ROOT = path.resolve(__dirname, '..');
// Below Linux's ephemeral range (32768+), where client sockets could already hold the port.
const base = 20000 + Math.floor(Math.random() * 12000);
const ports = { gateway: base, stores: base + 1, members: base + 2, products: base + 3, orders: base + 4, points: base + 5, channels: base + 6, pg: base + 9 };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retail-start-'));
const JWT_SECRET = 'embedded-start-jwt-secret-0123456789';
let output = '';

function start(): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(ports.pg), PORT: String(ports.gateway), STORES_PORT: String(ports.stores), MEMBERS_PORT: String(ports.members), PRODUCTS_PORT: String(ports.products), ORDERS_PORT: String(ports.orders), POINTS_PORT: String(ports.points), CHANNELS_PORT: String(ports.channels), JWT_SECRET, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'graph/src/start.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return proc;
}

async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    proc.once('exit', (code) => resolve(code));
    proc.kill('SIGINT');
  });
}

const gql = (q: string, v: Record<string, unknown> = {}, token?: string) =>
  postGraphQL(`http://127.0.0.1:${ports.gateway}/graphql`, q, v, token ? { authorization: `Bearer ${token}` } : {});

const STORES_WITH_STOCK = `query($skus: [ID!]!) { stores(first: 5, filter: { brandId: "brand-lng" }) { edges { node { id name address { city } openingHours { dayOfWeek opens closes } pickupEnabled stock(skuIds: $skus) { available sku { code listPrice { amount currency } storePrice(storeId: "store-lng-01") { amount } } } } } } }`;

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves the demo graph on the embedded database and keeps data across a restart', async () => {
  let proc = start();
  try {
    await waitFor(() => output.includes('the graph is up'), 120_000, 'first start');
    expect(output).toMatch(/seeded demo data: stores/);
    expect(output).toMatch(/seeded demo data: members/);
    expect(output).toMatch(/npm run token -- --role/);
    const skus = await gql(`{ products(first: 2, filter: { brandId: "brand-lng" }) { edges { node { skus { id } } } } }`);
    const skuIds = (skus.data as { products: { edges: { node: { skus: { id: string }[] } }[] } }).products.edges.flatMap((e) => e.node.skus.map((s) => s.id)).slice(0, 3);
    expect(skuIds.length).toBeGreaterThan(0);
    const res = await gql(STORES_WITH_STOCK, { skus: skuIds });
    expect(res.errors).toBeUndefined();
    const stores = (res.data as { stores: { edges: { node: { name: string; stock: { available: number; sku: { listPrice: { amount: string } } }[] } }[] } }).stores.edges;
    expect(stores.length).toBeGreaterThan(0);
    expect(stores[0]!.node.stock).toHaveLength(skuIds.length);
    expect(stores[0]!.node.stock[0]!.sku.listPrice.amount).toMatch(/^\d+\.\d{2}$/);

    // a write through the gateway, to be found after the restart
    const admin = await signDevToken({ role: 'PLATFORM_ADMIN', scopes: ['stores:admin'] }, { secret: JWT_SECRET });
    const created = await gql(`mutation { createFranchisee(input: { brandId: "brand-lng", name: "重启测试加盟商", kind: FRANCHISE }) { franchisee { id } userErrors { code message } } }`, {}, admin);
    const id = (created.data as { createFranchisee: { franchisee: { id: string } } }).createFranchisee.franchisee.id;
    expect(await stop(proc)).toBe(0);
    expect(output).toMatch(/stopped/);

    output = '';
    proc = start();
    await waitFor(() => output.includes('the graph is up'), 60_000, 'restart');
    expect(output).not.toMatch(/seeded demo data/);
    const again = await gql(`query($id: ID!) { franchisee(id: $id) { name } }`, { id }, admin);
    expect(again.data).toEqual({ franchisee: { name: '重启测试加盟商' } });
  } finally {
    await stop(proc);
  }
}, 240_000);
