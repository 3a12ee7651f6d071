import type { BaseContext } from '@apollo/server';
import type { Logger, Viewer } from '@retail/platform';

export interface GatewayContext extends BaseContext {
  viewer: Viewer;
  requestId: string;
  logger: Logger;
  /** Subgraph calls this request caused (tests and metrics read it). */
  subgraphFetches: number;
}
