import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Database } from '../db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded';

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

/** A fresh embedded PGlite (temp dir, free port) served by pglite-socket. */
export async function createTestEmbedded(service = 'test', port?: number): Promise<TestEmbedded> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-'));
  const p = port ?? 20000 + Math.floor(Math.random() * 20000);
  const server = await startEmbeddedPostgres({ dataDir, port: p });
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
