import path from 'node:path';
import { DateTime, defineSubgraph } from '@retail/platform';
import { seedPoints } from './demo';
import { CONSUMES } from './events/consumes';
import { PUBLISHES } from './events/publishes';
import { JOBS } from './jobs';
import { createLoaders, type PointsLoaders } from './loaders';
import { Member } from './resolvers/Member';
import { Mutation } from './resolvers/Mutation';
import { Order } from './resolvers/Order';
import { PartnerAgreement } from './resolvers/PartnerAgreement';
import { PartnerSettlementStatement } from './resolvers/PartnerSettlementStatement';
import { PointsExchange } from './resolvers/PointsExchange';
import { PointsExchangeQuote } from './resolvers/PointsExchangeQuote';
import { PointsAccount } from './resolvers/PointsAccount';
import { PointsTransaction } from './resolvers/PointsTransaction';
import { Query } from './resolvers/Query';
import { POINTS_SETTINGS } from './settings';

export { seedPoints } from './demo';
export { applyMemberMerged, applyOrderPaid, applyOrderRefunded, type MemberMergedPayload, type OrderPaidPayload, type OrderRefundedPayload } from './events/consumes';
export { expirePoints } from './jobs/expire-points';
export { reconcile, type Reconciliation } from './repo/reconciliation';
export type { PointsContext, PointsLoaders } from './loaders';
export { POINTS_SETTINGS, type PointsSettings } from './settings';

/**
 * The points subgraph: each member's points account at its brand, the append-only ledger and its lots, partner
 * agreements, cross-brand exchanges and their settlement; Member.pointsAccount, Order.pointsEarned.
 */
export const pointsSubgraph = defineSubgraph<PointsLoaders, typeof POINTS_SETTINGS>({
  name: 'points',
  port: 4105,
  dir: path.resolve(__dirname, '..'),
  settings: POINTS_SETTINGS,
  resolvers: { DateTime, Query, Mutation, Member, Order, PointsAccount, PointsTransaction, PartnerAgreement, PointsExchangeQuote, PointsExchange, PartnerSettlementStatement },
  loaders: createLoaders,
  events: { publishes: PUBLISHES, consumes: CONSUMES },
  jobs: JOBS,
  seed: seedPoints,
});
