import type { BaseContext } from '@apollo/server';
import type { Logger, Viewer } from '@retail/platform';
import type { CacheRequestState } from './response-cache';

export interface GatewayContext extends BaseContext {
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  /** Subgraph calls this request caused (tests and metrics read it). */
  subgraphFetches: number;
  /** Whether the request is anonymous, its response-cache lookup, what its query plan does (docs/performance.md). */
  cache?: CacheRequestState;
}
