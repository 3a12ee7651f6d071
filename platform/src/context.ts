import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** What one request carries through every async step (logs, SQL counting). */
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
}

export const requestState = new AsyncLocalStorage<RequestState>();

export function currentRequest(): RequestState | undefined {
  return requestState.getStore();
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
