import pg from 'pg';
import { currentRequest } from '../context';
import { sqlStatements } from '../metrics';

// int8 (bigint) and numeric stay strings by default; counts and fen amounts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export interface Queryable {
  /** One SQL statement with positional parameters ($1, $2, ...). Never named (PGlite shares one session). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Transaction extends Queryable {
  readonly inTransaction: true;
}

export interface DatabaseOptions {
  url: string;
  service: string;
  max?: number;
  /** Where the embedded server lives, so tests can tell the modes apart. */
  embedded?: boolean;
}

/**
 * The pg Pool for one service. Counts every statement (per request and in metrics) and runs
 * transactions on one client. A transaction must not call another service: on the embedded
 * PGlite it holds the whole database until it commits.
 */
export class Database implements Queryable {
  readonly pool: pg.Pool;
  readonly service: string;
  readonly embedded: boolean;

  constructor(opts: DatabaseOptions) {
    this.service = opts.service;
    this.embedded = opts.embedded ?? false;
    this.pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, idleTimeoutMillis: 30_000 });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  private count(): void {
    sqlStatements.inc({ service: this.service });
    const state = currentRequest();
    if (state) state.sqlStatements += 1;
  }

  async query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    this.count();
    const res = await this.pool.query(text, params as unknown[]);
    return res.rows as R[];
  }

  async one<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R | undefined> {
    const rows = await this.query<R>(text, params);
    return rows[0];
  }

  /** Runs fn in BEGIN/COMMIT on one client; rolls back on any throw. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: Transaction = {
      inTransaction: true,
      query: async <R>(text: string, params: readonly unknown[] = []) => {
        this.count();
        const res = await client.query(text, params as unknown[]);
        return res.rows as R[];
      },
    };
    let broken = false;
    // A checked-out client whose server goes away (restart, failover) emits 'error'; without a listener that
    // is an uncaught exception that kills the process. The failing query rejects anyway: just drop the client.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    try {
      this.count();
      await client.query('BEGIN');
      const out = await fn(tx);
      this.count();
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** True for unique_violation, optionally on one constraint. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' && (constraint === undefined || err.constraint === constraint);
}

/** serialization_failure / deadlock_detected: a retryable concurrent conflict. */
export function isRetryableConflict(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '40001' || code === '40P01';
}
