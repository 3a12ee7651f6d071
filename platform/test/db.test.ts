import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import pg from 'pg';
import pino from 'pino';
import { requestDeadline, type RequestState } from '../src/context';
import { Database, databaseTrouble, DatabaseTimeoutError, isUniqueViolation } from '../src/db/database';
import { migrate, readMigrations, type MigrationSource } from '../src/db/migrate';
import { maskError } from '../src/errors';
import { storageModes, type TestDatabase } from '../src/testing';

/** Runs fn as a request would run, on `db`'s view for a request with a deadline `ms` from now; `state` counts its statements. */
function inRequest<T>(db: Database, ms: number | undefined, fn: (db: Database, state: RequestState) => Promise<T>): Promise<T> {
  const state: RequestState = { requestId: 'db-test', logger: pino({ level: 'silent' }), sqlStatements: 0, deadline: ms === undefined ? undefined : Date.now() + ms };
  return fn(db.forRequest(state), state);
}

/** What the client of a GraphQL service would read for an error a resolver threw. */
function asClientSees(e: unknown) {
  // (no instanceof Error: errors made by node itself come from another realm than jest's sandbox)
  const wrapped = new GraphQLError(String((e as Error).message), { originalError: e as Error, path: ['field'] });
  return maskError({ message: wrapped.message, path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  describe('deadlines', () => {
    it("counts BEGIN with its SET LOCAL timeouts as one statement, and gives the transaction what is left of the request's time", async () => {
      const { shown, counted } = await inRequest(t.db, 3000, async (db, state) => {
        const rows = await db.transaction((tx) => tx.query<{ statement_timeout: string }>('SHOW statement_timeout'));
        return { shown: rows[0]?.statement_timeout, counted: state.sqlStatements };
      });
      expect(counted).toBe(3); // BEGIN (with its SET LOCALs), SHOW, COMMIT
      const [, n, unit] = /^(\d+)(ms|s)$/.exec(shown ?? '') ?? [];
      const ms = Number(n) * (unit === 's' ? 1000 : 1);
      expect(ms).toBeGreaterThan(2500);
      expect(ms).toBeLessThanOrEqual(3000);
    });

    it("counts each request's statements in its own view only, interleaved or not, and keeps each view to its own deadline", async () => {
      const state = (ms: number): RequestState => ({ requestId: 'view', logger: pino({ level: 'silent' }), sqlStatements: 0, deadline: Date.now() + ms });
      const a = state(3000);
      const b = state(1);
      const [viewA, viewB] = [t.db.forRequest(a), t.db.forRequest(b)];
      await sleep(5); // b's deadline has passed, a's has not
      const [fromA, fromB] = await Promise.all([
        Promise.all([viewA.query('SELECT 1'), viewA.transaction((tx) => tx.query('SELECT 2'))]),
        viewB.query('SELECT 3').catch((e: unknown) => e),
      ]);
      expect(fromA).toEqual([[{ '?column?': 1 }], [{ '?column?': 2 }]]);
      expect(fromB).toBeInstanceOf(DatabaseTimeoutError);
      await t.db.query('SELECT 4'); // the Database itself (background work) counts into no request
      expect([a.sqlStatements, b.sqlStatements]).toEqual([4, 0]); // SELECT 1, BEGIN, SELECT 2, COMMIT
      expect([viewA.request, viewB.request, t.db.request]).toEqual([a, b, undefined]);
      expect(viewA.pool).toBe(t.db.pool);
    });

    it('rolls back instead of committing a transaction whose request ran out of time', async () => {
      const err = await inRequest(t.db, 300, (db) =>
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO public.kv VALUES ($1, $2)', ['late', 1]);
          await sleep(400); // e.g. the embedded queue, or a slow step: the gateway has given up by now
          return 'done';
        }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseTimeoutError);
      expect(databaseTrouble(err)).toBe('timeout');
      await expect(t.db.query('SELECT * FROM public.kv WHERE k = $1', ['late'])).resolves.toEqual([]);
    });

    it('starts no statement once the deadline has passed, and such a failure reaches the client as SERVICE_UNAVAILABLE', async () => {
      const err = await inRequest(t.db, 1, async (db) => {
        await sleep(5);
        return db.query('SELECT 1');
      }).catch((e: unknown) => e);
      expect(databaseTrouble(err)).toBe('timeout');
      expect(asClientSees(err)).toEqual({ message: 'the database did not answer in time; try again', path: ['field'], locations: undefined, extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true } });
    });

    it('runs a migration-style transaction (statementTimeoutMs: 0) without the timeouts and without the deadline', async () => {
      const shown = await inRequest(t.db, 1, async (db) => {
        await sleep(5);
        return db.transaction((tx) => tx.query<{ statement_timeout: string }>('SHOW statement_timeout'), { statementTimeoutMs: 0 });
      });
      expect(shown).toEqual([{ statement_timeout: '0' }]);
    });

    it("waits for a pool connection at most connectTimeoutMs (or the request's deadline), and /readyz says so at once", async () => {
      const small = new Database({ url: t.url, service: 'db-test-small', max: 2, connectTimeoutMs: 400, embedded: t.db.embedded });
      const held = [await small.pool.connect(), await small.pool.connect()];
      try {
        let started = Date.now();
        const readiness = await small.readiness(300);
        expect(Date.now() - started).toBeLessThan(700);
        expect(readiness).toMatch(/^no free database connection within 300 ms \(2 of 2 in use, \d+ waiting\)$/);

        if (!small.embedded) {
          // (embedded: only requests are bounded, by their deadline; background work waits its turn on the one session)
          started = Date.now();
          const pooled = await small.query('SELECT 1').catch((e: unknown) => e);
          expect(Date.now() - started).toBeLessThan(1000);
          expect(databaseTrouble(pooled)).toBe('timeout');
        }

        started = Date.now();
        const inRequestErr = await inRequest(small, 150, (db) => db.transaction((tx) => tx.query('SELECT 1'))).catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(400);
        expect(inRequestErr).toBeInstanceOf(DatabaseTimeoutError);
      } finally {
        for (const c of held) c.release();
      }
      await expect(small.readiness()).resolves.toBe(true);
      await small.close();
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

describe('deadlines on real PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await storageModes[0]![1]('db-deadlines');
    await t.db.query('CREATE TABLE public.kv (k text PRIMARY KEY, v int NOT NULL)');
    await t.db.query(`INSERT INTO public.kv VALUES ('locked', 0)`);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('gives every connection statement_timeout (a session of its own) and bounds a single statement by it', async () => {
    const db = new Database({ url: t.url, service: 'db-test-timeout', max: 2, statementTimeoutMs: 300 });
    try {
      await expect(db.query('SHOW statement_timeout')).resolves.toEqual([{ statement_timeout: '300ms' }]);
      const started = Date.now();
      const err = await db.query('SELECT pg_sleep(3)').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(1500);
      expect((err as { code?: string }).code).toBe('57014');
      expect(databaseTrouble(err)).toBe('timeout');
    } finally {
      await db.close();
    }
  });

  it('cancels a write waiting on a lock when the request runs out of time, and commits nothing', async () => {
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`SELECT v FROM public.kv WHERE k = 'locked' FOR UPDATE`);
    try {
      const started = Date.now();
      const err = await inRequest(t.db, 600, (db) =>
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO public.kv VALUES ($1, $2)', ['with-locked', 1]);
          await tx.query(`UPDATE public.kv SET v = v + 1 WHERE k = 'locked'`);
        }),
      ).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(500);
      expect(took).toBeLessThan(1200);
      expect((err as { code?: string }).code).toBe('57014');
      expect(asClientSees(err).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await expect(t.db.query(`SELECT k, v FROM public.kv ORDER BY k`)).resolves.toEqual([{ k: 'locked', v: 0 }]);
  });

  it('leaves other errors alone: a constraint is not an outage, nor is a resolver error that looks like one', async () => {
    await t.db.query(`INSERT INTO public.kv VALUES ('dup', 1)`);
    const dup = await t.db.query(`INSERT INTO public.kv VALUES ('dup', 1)`).catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    expect(databaseTrouble(dup)).toBeNull();
    expect(asClientSees(dup).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const lookalike = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNREFUSED' });
    expect(databaseTrouble(lookalike)).toBeNull();
    expect(asClientSees(lookalike).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('an unreachable database', () => {
  it('is SERVICE_UNAVAILABLE, says so on /readyz, and is logged once (JSON), not once per failed query', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const db = new Database({ url: 'postgres://postgres@127.0.0.1:1/none', service: 'db-test-down', max: 2, logger });
    try {
      const errors = await Promise.all(Array.from({ length: 5 }, () => db.query('SELECT 1').catch((e: unknown) => e)));
      for (const e of errors) expect(databaseTrouble(e)).toBe('unreachable');
      expect(asClientSees(errors[0]).extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(asClientSees(errors[0]).message).toBe('the database is unavailable; try again');
      await expect(db.readiness()).resolves.toBe('the database does not answer (ECONNREFUSED)');
      const down = lines.filter((l) => l.component === 'postgres');
      expect(down.map((l) => [l.level, l.msg, l.service])).toEqual([[40, 'database unreachable', 'db-test-down']]);
      expect(String(down[0]?.cause)).toContain('ECONNREFUSED');
    } finally {
      await db.close();
    }
  });
});

describe('requestDeadline', () => {
  it("is the database budget, or sooner when the gateway waits less (less a margin for the answer's way back)", () => {
    expect(requestDeadline(undefined, 4500, 0)).toBe(4500);
    expect(requestDeadline('5000', 4500, 0)).toBe(4500);
    expect(requestDeadline('2000', 4500, 0)).toBe(1800);
    expect(requestDeadline('400', 4500, 0)).toBe(350);
    expect(requestDeadline('nonsense', 4500, 0)).toBe(4500);
    expect(requestDeadline(undefined, 0, 0)).toBeUndefined();
    expect(requestDeadline('5000', 0, 0)).toBe(4500);
  });
});
