import path from 'node:path';
import { DateTime, defineSubgraph } from '@retail/platform';
import { seedMembers } from './demo';
import { CONSUMES } from './events/consumes';
import { PUBLISHES } from './events/publishes';
import { JOBS } from './jobs';
import { createLoaders, type MembersLoaders } from './loaders';
import { Guide } from './resolvers/Guide';
import { GuideHandoverPending } from './resolvers/GuideHandoverPending';
import { Member } from './resolvers/Member';
import { Mutation } from './resolvers/Mutation';
import { Query } from './resolvers/Query';
import { Store } from './resolvers/Store';
import { Tag } from './resolvers/Tag';
import { TierRules } from './resolvers/TierRules';
import { MEMBERS_SETTINGS } from './settings';

export { seedMembers } from './demo';
export { GUIDE_DIRECTORY } from './repo/guide-directory';
export { applyOrderPaid, applyOrderRefunded } from './events/consumes';
export { ORDER_PAID_TOPIC, ORDER_REFUNDED_TOPIC, type OrderPaid, type OrderRefunded } from './domain/order-events';
export type { MembersContext, MembersLoaders } from './loaders';
export { MEMBERS_SETTINGS, type MembersSettings } from './settings';

/** The members subgraph: members of each brand (OneID, channel identities, tier, exclusive guide); Store.members, Guide.customers. */
export const membersSubgraph = defineSubgraph<MembersLoaders, typeof MEMBERS_SETTINGS>({
  name: 'members',
  port: 4102,
  dir: path.resolve(__dirname, '..'),
  settings: MEMBERS_SETTINGS,
  resolvers: { DateTime, Query, Mutation, Member, Guide, GuideHandoverPending, Store, Tag, TierRules },
  loaders: createLoaders,
  events: { publishes: PUBLISHES, consumes: CONSUMES },
  jobs: JOBS,
  seed: seedMembers,
});
