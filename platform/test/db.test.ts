import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database, isUniqueViolation } from '../src/db/database';
import { migrate, readMigrations, type MigrationSource } from '../src/db/migrate';
import { storageModes, type TestDatabase } from '../src/testing';

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

const FILES = {
  '0001_widgets.sql': 'CREATE TABLE {{schema}}.widgets (id int PRIMARY KEY, name text NOT NULL);',
  '0002_seed.sql': "INSERT INTO {{schema}}.widgets VALUES (1, 'first');",
  'README.md': 'not a migration',
  'draft.sql': 'SELECT broken syntax here',
};

describe('readMigrations', () => {
  it('reads only numbered .sql files, in order, with {{schema}} replaced', () => {
    const dir = migrationsDir({ ...FILES, '0010_later.sql': 'SELECT 1;' });
    const files = readMigrations([{ name: 'demo', dir }, { name: 'absent', dir: path.join(dir, 'missing') }], 'shop');
    expect(files.map((f) => f.id)).toEqual(['demo/0001_widgets.sql', 'demo/0002_seed.sql', 'demo/0010_later.sql']);
    expect(files[0]?.sql).toBe('CREATE TABLE shop.widgets (id int PRIMARY KEY, name text NOT NULL);');
    expect(files[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.each(storageModes)('database on %s', (_mode, create) => {
  let t: TestDatabase;
  let schemaSeq = 0;
  const nextSchema = () => `m_${process.pid}_${++schemaSeq}`;

  beforeAll(async () => {
    t = await create('db-test');
    await t.db.query('CREATE TABLE public.kv (k text PRIMARY KEY, v int NOT NULL)');
  });

  afterAll(async () => {
    await t.drop();
  });

  describe('queries and transactions', () => {
    it('runs a parameterised query and parses bigint as number', async () => {
      const rows = await t.db.query<{ n: number; s: string }>('SELECT $1::bigint AS n, $2::text AS s', [41, 'x']);
      expect(rows).toEqual([{ n: 41, s: 'x' }]);
      await expect(t.db.one<{ one: number }>('SELECT 1 AS one WHERE FALSE')).resolves.toBeUndefined();
    });

    it('commits a transaction', async () => {
      const out = await t.db.transaction(async (tx) => {
        expect(tx.inTransaction).toBe(true);
        await tx.query('INSERT INTO public.kv VALUES ($1, $2)', ['commit', 1]);
        const inside = await tx.query<{ v: number }>('SELECT v FROM public.kv WHERE k = $1', ['commit']);
        return inside[0]?.v;
      });
      expect(out).toBe(1);
      await expect(t.db.query('SELECT v FROM public.kv WHERE k = $1', ['commit'])).resolves.toEqual([{ v: 1 }]);
    });

    it('rolls back everything when the body throws', async () => {
      await expect(
        t.db.transaction(async (tx) => {
          await tx.query('INSERT INTO public.kv VALUES ($1, $2)', ['rollback', 1]);
          throw new Error('business says no');
        }),
      ).rejects.toThrow('business says no');
      await expect(t.db.query('SELECT * FROM public.kv WHERE k = $1', ['rollback'])).resolves.toEqual([]);
    });

    it('rolls back after a failed statement and keeps the pool usable', async () => {
      const err = await t.db
        .transaction(async (tx) => {
          await tx.query('INSERT INTO public.kv VALUES ($1, $2)', ['dup', 1]);
          await tx.query('INSERT INTO public.kv VALUES ($1, $2)', ['dup', 2]);
        })
        .catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect(isUniqueViolation(err, 'kv_pkey')).toBe(true);
      expect(isUniqueViolation(err, 'other')).toBe(false);
      await expect(t.db.query('SELECT * FROM public.kv WHERE k = $1', ['dup'])).resolves.toEqual([]);
      await expect(t.db.ping()).resolves.toBe(true);
    });
  });

  describe('migrate', () => {
    it('applies numbered files once, records them and substitutes {{schema}}', async () => {
      const schema = nextSchema();
      const sources: MigrationSource[] = [{ name: 'demo', dir: migrationsDir(FILES) }];
      await expect(migrate(t.db, { schema, sources })).resolves.toEqual(['demo/0001_widgets.sql', 'demo/0002_seed.sql']);
      await expect(t.db.query(`SELECT id, name FROM ${schema}.widgets`)).resolves.toEqual([{ id: 1, name: 'first' }]);
      const recorded = await t.db.query<{ id: string }>(`SELECT id FROM ${schema}.schema_migrations ORDER BY id`);
      expect(recorded.map((r) => r.id)).toEqual(['demo/0001_widgets.sql', 'demo/0002_seed.sql']);

      await expect(migrate(t.db, { schema, sources })).resolves.toEqual([]);
      await expect(t.db.query(`SELECT count(*)::int AS n FROM ${schema}.widgets`)).resolves.toEqual([{ n: 1 }]);
    });

    it('applies only the new file when one is added', async () => {
      const schema = nextSchema();
      const dir = migrationsDir(FILES);
      await migrate(t.db, { schema, sources: [{ name: 'demo', dir }] });
      fs.writeFileSync(path.join(dir, '0003_more.sql'), "INSERT INTO {{schema}}.widgets VALUES (2, 'second');");
      await expect(migrate(t.db, { schema, sources: [{ name: 'demo', dir }] })).resolves.toEqual(['demo/0003_more.sql']);
      await expect(t.db.query(`SELECT count(*)::int AS n FROM ${schema}.widgets`)).resolves.toEqual([{ n: 2 }]);
    });

    it('keeps two schemas apart', async () => {
      const a = nextSchema();
      const b = nextSchema();
      const sources: MigrationSource[] = [{ name: 'demo', dir: migrationsDir(FILES) }];
      await migrate(t.db, { schema: a, sources });
      await migrate(t.db, { schema: b, sources });
      await t.db.query(`INSERT INTO ${a}.widgets VALUES (9, 'only in a')`);
      await expect(t.db.query(`SELECT count(*)::int AS n FROM ${b}.widgets`)).resolves.toEqual([{ n: 1 }]);
    });

    it('lets two processes migrate at once, each file applied once', async () => {
      const schema = nextSchema();
      const sources: MigrationSource[] = [{ name: 'demo', dir: migrationsDir(FILES) }];
      const dbA = new Database({ url: t.url, service: 'migrate-a', max: 2 });
      const dbB = new Database({ url: t.url, service: 'migrate-b', max: 2 });
      try {
        const [ra, rb] = await Promise.all([migrate(dbA, { schema, sources }), migrate(dbB, { schema, sources })]);
        expect([...ra, ...rb].sort()).toEqual(['demo/0001_widgets.sql', 'demo/0002_seed.sql']);
        expect([ra.length, rb.length].sort()).toEqual([0, 2]);
      } finally {
        await Promise.all([dbA.close(), dbB.close()]);
      }
      await expect(t.db.query(`SELECT count(*)::int AS n FROM ${schema}.widgets`)).resolves.toEqual([{ n: 1 }]);
      await expect(t.db.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`)).resolves.toEqual([{ n: 2 }]);
    });

    it('refuses an applied migration that changed, and applies nothing in that run', async () => {
      const schema = nextSchema();
      const dir = migrationsDir(FILES);
      await migrate(t.db, { schema, sources: [{ name: 'demo', dir }] });
      fs.writeFileSync(path.join(dir, '0002_seed.sql'), "INSERT INTO {{schema}}.widgets VALUES (1, 'edited');");
      fs.writeFileSync(path.join(dir, '0003_more.sql'), "INSERT INTO {{schema}}.widgets VALUES (3, 'third');");
      await expect(migrate(t.db, { schema, sources: [{ name: 'demo', dir }] })).rejects.toThrow(`migration ${schema}:demo/0002_seed.sql changed after it was applied`);
      await expect(t.db.query(`SELECT id FROM ${schema}.widgets ORDER BY id`)).resolves.toEqual([{ id: 1 }]);
      await expect(t.db.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`)).resolves.toEqual([{ n: 2 }]);
    });

    it('rolls back a failing migration entirely', async () => {
      const schema = nextSchema();
      const dir = migrationsDir({ '0001_ok.sql': 'CREATE TABLE {{schema}}.ok (id int);', '0002_bad.sql': 'CREATE TABLE {{schema}}.bad (id nosuchtype);' });
      await expect(migrate(t.db, { schema, sources: [{ name: 'demo', dir }] })).rejects.toThrow();
      await expect(t.db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`, [schema])).resolves.toEqual([{ n: 0 }]);
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await expect(migrate(t.db, { schema: 'x; DROP TABLE public.kv', sources: [] })).rejects.toThrow(/invalid schema name/);
      await expect(migrate(t.db, { schema: 'Upper', sources: [] })).rejects.toThrow(/invalid schema name/);
    });
  });
});
