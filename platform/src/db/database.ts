import pg from 'pg';
import type { Logger } from 'pino';
import type { RequestState } from '../context';
import { sqlStatements } from '../metrics';
import { DB_TIMEOUT_DEFAULTS } from '../config';
import { OutageLog } from '../outage-log';

// int8 (bigint) and numeric stay strings by default; counts and fen amounts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export interface Queryable {
  /** One SQL statement with positional parameters ($1, $2, ...). Never named (PGlite shares one session). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Transaction extends Queryable {
  readonly inTransaction: true;
}

/** Transactions that appended to an outbox (markOutboxWrite): their COMMIT tells the relay (onOutboxCommitted). */
const outboxWrites = new WeakSet<Transaction>();

/** Called by appendToOutbox: when this transaction commits, the outbox relay of this process looks at once. */
export function markOutboxWrite(tx: Transaction): void {
  outboxWrites.add(tx);
}

export interface DatabaseOptions {
  url: string;
  service: string;
  max?: number;
  /** Where the embedded server lives, so tests can tell the modes apart. */
  embedded?: boolean;
  /**
   * The longest a statement may run, and a request's whole database budget (from its arrival, shortened by
   * the gateway's x-deadline-ms); 0: none. Default DB_TIMEOUT_DEFAULTS.statementTimeoutMs.
   */
  statementTimeoutMs?: number;
  /**
   * The longest a statement waits for a lock (never more than the statement timeout); 0 (the default): lock
   * waits are bounded by the statement timeout alone, so a hot row or an idempotent duplicate waiting for the
   * first may use the whole budget.
   */
  lockTimeoutMs?: number;
  /**
   * The longest a caller waits for a pool connection (a free one, or a new one to be opened); 0: unbounded.
   * On the embedded database only requests are bounded (by their deadline): there every connection takes its
   * turn on the one session, so a wait is that queue, not a missing server, and background work waits its turn.
   */
  connectTimeoutMs?: number;
  /** Where the database's state changes (unreachable, statements timing out, back again) are logged, once each. */
  logger?: Logger;
}

export interface TransactionOptions {
  /**
   * This transaction's statement (and lock) timeout instead of the request's remaining budget or the
   * database's default; 0: none. The transaction is then not bound to the request's deadline either. For
   * migrations: a long DDL, or waiting for another replica's migration, is not a failure.
   */
  statementTimeoutMs?: number;
}

/**
 * Why the database could not serve a statement now, all retryable (SERVICE_UNAVAILABLE, docs/architecture.md
 * §5): `unreachable` (refused, reset, restarting, too many connections), `timeout` (statement or lock
 * timeout, no free connection in time, the request's deadline passed), `conflict` (serialization failure or
 * deadlock; the transaction was rolled back).
 */
export type DatabaseTrouble = 'unreachable' | 'timeout' | 'conflict';

/** The deadline passed (no free connection in time, or the request's budget ran out): nothing was committed. */
export class DatabaseTimeoutError extends Error {
  override readonly name = 'DatabaseTimeoutError';
}

/** How long statements must go without a timeout before "database statements complete in time again". */
const TIMEOUTS_QUIET_MS = 5000;

/** Errors the Database saw come out of pg (a resolver's own error never passes for a database outage). */
const fromDatabase = new WeakSet<object>();

const NETWORK_ERRORS: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENOENT']);
/** pg's own messages for a connection that is gone or never came. */
const LOST_CONNECTION = /Connection terminated|Connection ended|not queryable|server closed the connection|the database system is/i;
const POOL_WAIT = /timeout exceeded when trying to connect/i;

/** The DatabaseTrouble of an error the Database threw, or null (a bug, a constraint, bad SQL: not retryable). */
export function databaseTrouble(e: unknown): DatabaseTrouble | null {
  if (e instanceof DatabaseTimeoutError) return 'timeout';
  if (typeof e !== 'object' || e === null || !fromDatabase.has(e)) return null;
  const code = (e as { code?: unknown }).code;
  if (e instanceof pg.DatabaseError) {
    if (code === '57014' || code === '55P03') return 'timeout'; // query_canceled (statement_timeout), lock_not_available
    if (code === '40001' || code === '40P01') return 'conflict';
    // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, class 08 connection_exception
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || (typeof code === 'string' && code.startsWith('08'))) return 'unreachable';
    return null;
  }
  const message = String((e as { message?: unknown }).message ?? '');
  if (POOL_WAIT.test(message)) return 'timeout';
  if ((typeof code === 'string' && NETWORK_ERRORS.has(code)) || LOST_CONNECTION.test(message)) return 'unreachable';
  return null;
}

/** A connection that answered with an error is still usable; one that failed otherwise is dropped. */
function connectionBroken(e: unknown): boolean {
  return !(e instanceof pg.DatabaseError) || databaseTrouble(e) === 'unreachable';
}

/** An error as a short reason without addresses (for /readyz): its SQLSTATE or errno code, else its kind. */
function reasonOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : (databaseTrouble(e) ?? 'error');
}

/** What the views of one Database share besides its pool: when a statement last timed out. */
interface SharedState {
  lastTimeoutAt: number;
}

/**
 * The pg Pool for one service. Counts every statement (per request and in metrics) and runs
 * transactions on one client. A request works through its own view, `forRequest(state)`: the same pool, its
 * statements counted in its RequestState and bounded by its deadline. A transaction must not call another service: on the embedded
 * PGlite it holds the whole database until it commits.
 *
 * Deadlines (docs/architecture.md §3): waiting for a connection is bounded (connectTimeoutMs, and the
 * request's deadline); on real PostgreSQL every connection carries statement_timeout and lock_timeout as
 * startup parameters (each connection is its own session); a transaction sets `SET LOCAL statement_timeout`
 * and `lock_timeout` to what is left of the request's budget, in the same round trip as its BEGIN (not
 * counted as a statement of its own); and no statement starts, and no COMMIT is sent, after the request's
 * deadline. On the embedded PGlite (one shared session) no startup parameter is sent (pglite-socket ignores
 * them anyway) and SET LOCAL is safe but not enforced (PGlite has no timer interrupts): there the deadline
 * checks before each statement and before COMMIT are what keep a late write from committing.
 */
export class Database implements Queryable {
  readonly pool: pg.Pool;
  readonly service: string;
  readonly embedded: boolean;
  readonly max: number;
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly connectTimeoutMs: number;
  private readonly unreachable: OutageLog;
  private readonly timingOut: OutageLog;
  private readonly shared: SharedState = { lastTimeoutAt: Number.NEGATIVE_INFINITY };
  /** sql_statements_total of this service, its label bound once. */
  private readonly statements: ReturnType<typeof sqlStatements.labels>;
  /** Told after a COMMIT of outbox rows, on this Database or any of its request views (shared through the prototype). */
  private readonly outboxListeners: (() => void)[] = [];
  /** The request this view works for (forRequest); undefined on the Database itself (background work, setup). */
  readonly request: RequestState | undefined = undefined;

  constructor(opts: DatabaseOptions) {
    this.service = opts.service;
    this.embedded = opts.embedded ?? false;
    this.max = opts.max ?? 10;
    this.statementTimeoutMs = opts.statementTimeoutMs ?? DB_TIMEOUT_DEFAULTS.statementTimeoutMs;
    this.lockTimeoutMs = opts.lockTimeoutMs ?? DB_TIMEOUT_DEFAULTS.lockTimeoutMs;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? DB_TIMEOUT_DEFAULTS.connectTimeoutMs;
    const config: pg.PoolConfig = { connectionString: opts.url, max: this.max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: this.poolWaitMs };
    if (!this.embedded) {
      // Session settings of each connection: fine on real PostgreSQL, where every connection is its own session.
      config.application_name = opts.service;
      if (this.statementTimeoutMs > 0) config.statement_timeout = this.statementTimeoutMs;
      if (this.lockTimeoutMs > 0) config.lock_timeout = this.lockTimeout(this.statementTimeoutMs);
    }
    this.pool = new pg.Pool(config);
    this.statements = sqlStatements.labels({ service: opts.service });
    const fields = { service: opts.service };
    this.unreachable = new OutageLog({
      logger: opts.logger,
      fields: { component: 'postgres', ...fields },
      messages: { down: 'database unreachable', stillDown: 'database still unreachable', up: 'database reachable again' },
    });
    this.timingOut = new OutageLog({
      logger: opts.logger,
      fields: { component: 'postgres', ...fields },
      messages: { down: 'database statements time out', stillDown: 'database statements still time out', up: 'database statements complete in time again' },
    });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', (e) => void this.failed(e));
  }

  /**
   * This Database for one request: the same pool, settings and logs, with the request's statements counted in
   * `state.sqlStatements` and bounded by `state.deadline`. Made per request (a subgraph's context), so cheap:
   * an object whose prototype is this Database.
   */
  forRequest(state: RequestState): Database {
    const view = Object.create(this) as Database;
    Object.defineProperty(view, 'request', { value: state, enumerable: true });
    return view;
  }

  private count(): void {
    this.statements.inc();
    if (this.request) this.request.sqlStatements += 1;
  }

  /**
   * Records a failure (for the once-per-state-change log) and marks it as the database's. `startedAt`: when the
   * attempt began (see OutageLog): a restart's stragglers must not log it as a second outage.
   */
  private failed(e: unknown, startedAt?: number): unknown {
    if (typeof e === 'object' && e !== null) {
      if (fromDatabase.has(e)) return e; // recorded already (it passed through two layers)
      fromDatabase.add(e);
    }
    const trouble = databaseTrouble(e);
    if (trouble === 'unreachable') this.unreachable.failure(e, this.poolState(), startedAt);
    else if (trouble === 'timeout') {
      this.shared.lastTimeoutAt = Date.now();
      this.timingOut.failure(e, this.poolState());
    }
    return e;
  }

  /**
   * Any success shows the database is reachable. Timeouts hit some statements while others succeed (a locked
   * table, a slow query): they count as over only after TIMEOUTS_QUIET_MS without one.
   */
  private succeeded(startedAt: number): void {
    this.unreachable.success({}, startedAt);
    if (Date.now() - this.shared.lastTimeoutAt >= TIMEOUTS_QUIET_MS) this.timingOut.success();
  }

  private poolState() {
    return { connections: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.max };
  }

  /** What the pool itself bounds a connection wait to (pg-pool's connectionTimeoutMillis; 0: unbounded). */
  private get poolWaitMs(): number {
    return this.embedded ? 0 : this.connectTimeoutMs;
  }

  private lockTimeout(statementMs: number): number {
    if (this.lockTimeoutMs === 0) return statementMs;
    return statementMs === 0 ? this.lockTimeoutMs : Math.min(this.lockTimeoutMs, statementMs);
  }

  private requestDeadline(): number | undefined {
    return this.request?.deadline;
  }

  private checkDeadline(deadline: number | undefined, before: string): void {
    if (deadline !== undefined && Date.now() >= deadline) {
      throw this.failed(new DatabaseTimeoutError(`the request's time for the database ran out before ${before}; nothing was committed`));
    }
  }

  /**
   * A pool connection, waiting at most until `deadline` or `maxWaitMs` (else connectTimeoutMs, the pool's
   * own bound). A connection that arrives after the caller gave up goes straight back to the pool.
   */
  private async acquire(deadline: number | undefined, maxWaitMs = Infinity): Promise<pg.PoolClient> {
    this.checkDeadline(deadline, 'a connection was free');
    const startedAt = Date.now();
    const waitMs = Math.min(maxWaitMs, deadline === undefined ? Infinity : deadline - startedAt);
    const connecting = this.pool.connect();
    if (!(waitMs < (this.poolWaitMs || Infinity))) {
      try {
        return await connecting;
      } catch (e) {
        throw this.failed(e, startedAt);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'gave up'>((resolve) => {
      timer = setTimeout(() => resolve('gave up'), waitMs);
    });
    let got: pg.PoolClient | 'gave up';
    try {
      got = await Promise.race([connecting, gaveUp]);
    } catch (e) {
      throw this.failed(e, startedAt);
    } finally {
      clearTimeout(timer);
    }
    if (got !== 'gave up') return got;
    connecting.then((c) => c.release(), () => undefined);
    const { connections, idle, waiting } = this.poolState();
    throw this.failed(new DatabaseTimeoutError(`no free database connection within ${Math.round(waitMs)} ms (${connections - idle} of ${this.max} in use, ${waiting} waiting)`));
  }

  async query<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const deadline = this.requestDeadline();
    const client = await this.acquire(deadline);
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    let sentAt: number | undefined;
    try {
      this.checkDeadline(deadline, 'the statement');
      this.count();
      sentAt = Date.now();
      const res = await client.query(text, params as unknown[]);
      this.succeeded(sentAt);
      return res.rows as R[];
    } catch (e) {
      if (!(e instanceof DatabaseTimeoutError) && connectionBroken(e)) broken = true;
      throw this.failed(e, sentAt);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async one<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R | undefined> {
    const rows = await this.query<R>(text, params);
    return rows[0];
  }

  /**
   * Runs fn in BEGIN/COMMIT on one client; rolls back on any throw. Inside a request, the transaction gets
   * what is left of the request's budget as its statement (and lock) timeout, and it is rolled back instead
   * of committed once the deadline has passed: a write the caller has given up on never commits.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const deadline = opts.statementTimeoutMs === undefined ? this.requestDeadline() : undefined;
    const client = await this.acquire(deadline);
    let broken = false;
    // A checked-out client whose server goes away (restart, failover) emits 'error'; without a listener that
    // is an uncaught exception that kills the process. The failing query rejects anyway: just drop the client.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    let sentAt = Date.now();
    const run = async (text: string, params?: unknown[]) => {
      sentAt = Date.now();
      try {
        return await client.query(text, params);
      } catch (e) {
        throw this.failed(e, sentAt);
      }
    };
    const tx: Transaction = {
      inTransaction: true,
      query: async <R>(text: string, params: readonly unknown[] = []) => {
        this.checkDeadline(deadline, 'the statement');
        this.count();
        const res = await run(text, params as unknown[]);
        return res.rows as R[];
      },
    };
    try {
      this.checkDeadline(deadline, 'BEGIN');
      this.count();
      await run(this.beginWithTimeouts(deadline, opts.statementTimeoutMs));
      const out = await fn(tx);
      this.checkDeadline(deadline, 'COMMIT');
      this.count();
      await run('COMMIT');
      this.succeeded(sentAt);
      if (outboxWrites.has(tx)) for (const listener of this.outboxListeners) listener();
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

  /** `listener` runs after every COMMIT that appended to an outbox through this Database (the relay's wake-up). */
  onOutboxCommitted(listener: () => void): () => void {
    this.outboxListeners.push(listener);
    return () => {
      const i = this.outboxListeners.indexOf(listener);
      if (i >= 0) this.outboxListeners.splice(i, 1);
    };
  }

  /**
   * BEGIN and the transaction's timeouts in one simple-protocol round trip (one statement as counted):
   * SET LOCAL ends with the transaction, so it is safe on the one shared PGlite session too.
   */
  private beginWithTimeouts(deadline: number | undefined, override: number | undefined): string {
    const statementMs = Math.max(0, Math.round(override ?? (deadline === undefined ? this.statementTimeoutMs : Math.max(1, deadline - Date.now()))));
    const lockMs = override === 0 ? 0 : this.lockTimeout(statementMs);
    return `BEGIN; SET LOCAL statement_timeout = ${statementMs}; SET LOCAL lock_timeout = ${lockMs}`;
  }

  /**
   * For /readyz: true, or why not, without queueing behind the requests: a pool connection within `waitMs`
   * (else "no free database connection …") and `SELECT 1` on it. Short, so a subgraph's /readyz says why
   * well within the gateway's probe (gateway/src/readiness.ts).
   */
  async readiness(waitMs = 300): Promise<true | string> {
    let client: pg.PoolClient;
    try {
      client = await this.acquire(undefined, waitMs);
    } catch (e) {
      return e instanceof DatabaseTimeoutError ? e.message : `the database does not answer (${reasonOf(e)})`;
    }
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
    const sentAt = Date.now();
    try {
      await client.query('SELECT 1');
      this.succeeded(sentAt);
      return true;
    } catch (e) {
      broken = true;
      this.failed(e, sentAt);
      return `the database does not answer (${reasonOf(e)})`;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    return (await this.readiness()) === true;
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
