import path from 'node:path';
import { DateTime, defineSubgraph } from '@retail/platform';
import { seedOrders } from './demo';
import { CONSUMES } from './events/consumes';
import { PUBLISHES } from './events/publishes';
import { JOBS } from './jobs';
import { createLoaders, type OrdersLoaders } from './loaders';
import { FranchiseeSettlement } from './resolvers/FranchiseeSettlement';
import { Guide } from './resolvers/Guide';
import { Member } from './resolvers/Member';
import { Mutation } from './resolvers/Mutation';
import { OperatorCommission } from './resolvers/OperatorCommission';
import { Order } from './resolvers/Order';
import { Query } from './resolvers/Query';
import { Refund } from './resolvers/Refund';
import { SettlementLine } from './resolvers/SettlementLine';
import { Store } from './resolvers/Store';
import { ORDERS_SETTINGS } from './settings';

export { seedOrders } from './demo';
export type { OrdersContext, OrdersLoaders } from './loaders';
export { ORDERS_SETTINGS, type OrdersSettings } from './settings';

/** The orders subgraph: orders of every channel, payments, store pickup (门店自提, 核销) and guide attribution. */
export const ordersSubgraph = defineSubgraph<OrdersLoaders, typeof ORDERS_SETTINGS>({
  name: 'orders',
  port: 4104,
  dir: path.resolve(__dirname, '..'),
  settings: ORDERS_SETTINGS,
  resolvers: { DateTime, Query, Mutation, Order, Store, Guide, Member, FranchiseeSettlement, SettlementLine, Refund, OperatorCommission },
  loaders: createLoaders,
  events: { publishes: PUBLISHES, consumes: CONSUMES },
  jobs: JOBS,
  seed: seedOrders,
});
