import type { Logger } from 'pino';

/**
 * What one request carries (its id, logger, SQL count and deadline). It is handed on explicitly, never through
 * AsyncLocalStorage: on Node 20 one AsyncLocalStorage in use puts a hook on every promise the process makes
 * (docs/performance.md, "CPU per request"). A subgraph gives each request its own Database view
 * (`db.forRequest(state)`) and peers, so statements are counted and bounded by the request's deadline.
 */
export interface RequestState {
  requestId: string;
  logger: Logger;
  sqlStatements: number;
  /**
   * When the caller stops waiting for this request (epoch ms; a subgraph sets it from its database budget and
   * the gateway's x-deadline-ms): the database starts no statement and commits nothing after it
   * (docs/architecture.md §3). Undefined: no deadline (background work).
   */
  deadline?: number;
  /**
   * maskError reported errors of this request. When it did not (Apollo refused the body before a request started),
   * the HTTP front logs the refusal itself.
   */
  errorsReported?: boolean;
}

const REQUEST_STATE = Symbol('requestState');

/** The prototype of every request context: its logger is made the first time something logs. */
const requestScoped = {
  get logger(): Logger {
    return (this as unknown as { [REQUEST_STATE]: RequestState })[REQUEST_STATE].logger;
  },
};

/**
 * A GraphQL context for one request: `fields`, the request id, and the request's logger, made when first read.
 * Apollo clones each context with Object.assign, which reads getters and copies own properties only: so the lazy
 * logger is a getter of the prototype (the clone keeps it), and the request's state travels as an own property
 * (requestStateOf).
 */
export function requestContext<T extends object>(state: RequestState, fields: T): T & { requestId: string; logger: Logger } {
  return Object.assign(Object.create(requestScoped) as T & { requestId: string; logger: Logger }, fields, { requestId: state.requestId, [REQUEST_STATE]: state });
}

/** The RequestState of a context made by requestContext (or of Apollo's clone of it); undefined for any other. */
export function requestStateOf(context: object): RequestState | undefined {
  return (context as { [REQUEST_STATE]?: RequestState })[REQUEST_STATE];
}

/** Header on every gateway → subgraph call: how many ms the gateway still waits for the answer (SUBGRAPH_TIMEOUT_MS). */
export const DEADLINE_HEADER = 'x-deadline-ms';

/**
 * The deadline of a subgraph request (epoch ms): `budgetMs` (DB_STATEMENT_TIMEOUT_MS, 0 = none) from now, or
 * sooner when the caller says (DEADLINE_HEADER) it waits less; then less a margin (10 %, at least 50 ms) for
 * the answer to travel back, so the caller always hears the timeout and nothing commits after it gave up.
 */
export function requestDeadline(header: string | string[] | undefined, budgetMs: number, now = Date.now()): number | undefined {
  const given = Number(Array.isArray(header) ? header[0] : header);
  const callerMs = Number.isFinite(given) && given > 0 ? Math.max(1, given - Math.max(50, given / 10)) : Infinity;
  const ms = Math.min(budgetMs > 0 ? budgetMs : Infinity, callerMs);
  return Number.isFinite(ms) ? now + Math.round(ms) : undefined;
}
