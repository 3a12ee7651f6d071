import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** What one request carries through every async step (logs, SQL counting). */
export interface RequestState {
  requestId: string;
  logger: Logger;
  sqlStatements: number;
}

export const requestState = new AsyncLocalStorage<RequestState>();

export function currentRequest(): RequestState | undefined {
  return requestState.getStore();
}
