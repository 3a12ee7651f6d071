import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Database } from './database';

/** The kernel tables every subgraph schema has (outbox, processed_events, idempotency keys). */
export const KERNEL_MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations/kernel');

export interface MigrationSource {
  /** Recorded name prefix, e.g. "kernel" or "stores". */
  name: string;
  dir: string;
}

export interface MigrateOptions {
  /** The schema the migrations create their tables in; `{{schema}}` in a file is replaced by it. */
  schema: string;
  sources: MigrationSource[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function lockKey(schema: string): string {
  // pg_advisory_xact_lock takes a bigint: a stable 63-bit hash of the schema name.
  const h = crypto.createHash('sha256').update(`migrate:${schema}`).digest();
  return (h.readBigInt64BE(0) & 0x7fffffffffffffffn).toString();
}

export interface MigrationFile {
  id: string;
  sql: string;
  checksum: string;
}

export function readMigrations(sources: MigrationSource[], schema: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const src of sources) {
    if (!fs.existsSync(src.dir)) continue;
    for (const f of fs.readdirSync(src.dir).filter((n) => /^\d+_[\w-]+\.sql$/.test(n)).sort()) {
      const sql = fs.readFileSync(path.join(src.dir, f), 'utf8').replaceAll('{{schema}}', schema);
      files.push({ id: `${src.name}/${f}`, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') });
    }
  }
  return files;
}

/**
 * Applies the numbered .sql files not yet recorded in <schema>.schema_migrations, all in one
 * transaction under an advisory transaction lock: safe to run twice and from two processes at once
 * (on real PostgreSQL the lock serialises them; on PGlite the transaction already does).
 * A recorded migration whose file changed is an error, never silently skipped.
 */
export async function migrate(db: Database, opts: MigrateOptions): Promise<string[]> {
  if (!SCHEMA_NAME.test(opts.schema)) throw new Error(`invalid schema name ${opts.schema}`);
  const files = readMigrations(opts.sources, opts.schema);
  const s = opts.schema;
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${lockKey(s)})`);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Map(
      (await tx.query<{ id: string; checksum: string }>(`SELECT id, checksum FROM ${s}.schema_migrations`)).map((r) => [r.id, r.checksum]),
    );
    const applied: string[] = [];
    for (const f of files) {
      const prev = done.get(f.id);
      if (prev !== undefined) {
        if (prev !== f.checksum) throw new Error(`migration ${s}:${f.id} changed after it was applied`);
        continue;
      }
      await tx.query(f.sql);
      await tx.query(`INSERT INTO ${s}.schema_migrations (id, checksum) VALUES ($1, $2)`, [f.id, f.checksum]);
      applied.push(f.id);
    }
    return applied;
  }, { statementTimeoutMs: 0 }); // no statement or lock timeout: a long DDL, or another replica's migration, is no failure
}

/** The usual call for a subgraph: kernel tables, then its own migrations/ folder. */
export function migrateSubgraph(db: Database, schema: string, migrationsDir: string): Promise<string[]> {
  return migrate(db, {
    schema,
    sources: [
      { name: 'kernel', dir: KERNEL_MIGRATIONS_DIR },
      { name: schema, dir: migrationsDir },
    ],
  });
}
