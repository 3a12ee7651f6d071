import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Database } from '../db/database';
import { embeddedUrl, type EmbeddedPostgres } from '../db/embedded';

/** The real PostgreSQL the tests use (CI sets DATABASE_URL; the machine's default otherwise). */
export const TEST_PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database `t_<random>` on the real PostgreSQL, dropped by drop(). */
export async function createTestDatabase(service = 'test'): Promise<TestDatabase> {
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(TEST_PG_URL, name);
  const db = new Database({ url, service, max: 20 });
  return {
    url,
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestEmbedded extends TestDatabase {
  server: EmbeddedPostgres;
  dataDir: string;
}

/** A local port nothing listens on now (the kernel's choice, then released): a service's port, or a dead one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts PGlite + pglite-socket in a child process (db/embedded-main.ts, the same code as `npm start`). In-process it cannot run
 * under jest: PGlite loads node modules with dynamic import(), which jest's sandbox refuses without
 * --experimental-vm-modules. Services connect to it over TCP exactly as to `npm start`'s database.
 */
export async function startEmbeddedPostgresProcess(opts: { dataDir: string; port: number; timeoutMs?: number; txIdleMs?: number }): Promise<EmbeddedPostgres> {
  const script = path.join(__dirname, '../db/embedded-main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, opts.dataDir, String(opts.port), ...(opts.txIdleMs ? [String(opts.txIdleMs)] : [])], { cwd: path.resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded PostgreSQL did not start within ${opts.timeoutMs ?? 60_000} ms: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      if (stdout.includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL exited with code ${code}: ${stderr}`));
    });
  });
  return {
    url: embeddedUrl(opts.dataDir, opts.port),
    port: opts.port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

/** What a fresh data directory depends on: the installed PGlite's version and the code that creates it. */
function pgliteTemplateKey(): string {
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const version = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const code = crypto.createHash('sha256');
  for (const file of ['embedded.ts', 'embedded-main.ts']) code.update(fs.readFileSync(path.join(__dirname, '../db', file)));
  return `${version}-${code.digest('hex').slice(0, 12)}`;
}

let template: Promise<string> | undefined;

/**
 * A PGlite data directory as a first start leaves it (initdb, then a clean stop), made once per machine, PGlite
 * version and embedded server code: initdb is most of an embedded boot (about 3 of 4 CPU seconds), so each test
 * database starts from a copy. Test workers may make it at the same time; each builds in a directory of its own
 * and renames it into place, and a rename that loses the race is dropped. A fresh DATA_DIR's own initdb is tested
 * by tests/embedded-start.test.ts.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    const dir = path.join(os.tmpdir(), `retail-pglite-template-${uid}-${pgliteTemplateKey()}`);
    if (fs.existsSync(dir)) return dir;
    const building = fs.mkdtempSync(`${dir}.building-`);
    try {
      const server = await startEmbeddedPostgresProcess({ dataDir: building, port: await freePort() });
      await server.stop();
      fs.rmSync(path.join(building, 'run'), { recursive: true, force: true });
      fs.renameSync(building, dir);
    } catch (e) {
      fs.rmSync(building, { recursive: true, force: true });
      if (!fs.existsSync(dir)) throw e; // not a lost race
    }
    return dir;
  })().catch((e: unknown) => {
    template = undefined;
    throw e;
  });
  return template;
}

/** A fresh embedded PGlite (temp dir, free port) served by pglite-socket in a child process. */
export async function createTestEmbedded(service = 'test', port?: number, opts: { txIdleMs?: number } = {}): Promise<TestEmbedded> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-'));
  fs.cpSync(path.join(await pgliteTemplate(), 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
  const server = await startEmbeddedPostgresProcess({ dataDir, port: port ?? (await freePort()), ...opts });
  const db = new Database({ url: server.url, service, max: 10, embedded: true });
  return {
    url: server.url,
    db,
    server,
    dataDir,
    async drop() {
      await db.close();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Both storage modes, for suites that must pass on each (describe.each(storageModes)). */
export const storageModes: [string, (service?: string) => Promise<TestDatabase>][] = [
  ['postgres', createTestDatabase],
  ['embedded', createTestEmbedded],
];
