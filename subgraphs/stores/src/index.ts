import path from 'node:path';
import { DateTime, startServiceEvents, type SubgraphDefinition } from '@retail/platform';
import { brandResolvers } from './resolvers/Brand';
import { franchiseeResolvers } from './resolvers/Franchisee';
import { guideResolvers } from './resolvers/Guide';
import { mutationResolvers } from './resolvers/Mutation';
import { queryResolvers } from './resolvers/Query';
import { storeResolvers } from './resolvers/Store';
import { viewerResolvers } from './resolvers/Viewer';

/** Brands, their store operators (franchisees, joint-operation partners, direct), stores and guides; the viewer. */
export const storesSubgraph: SubgraphDefinition = {
  name: 'stores',
  schema: 'stores',
  schemaFile: path.resolve(__dirname, '../../../schema/stores.graphql'),
  migrationsDir: path.resolve(__dirname, '../migrations'),
  defaultPort: 4101,
  resolvers: ({ db }) => ({
    DateTime,
    Query: queryResolvers(db),
    Mutation: mutationResolvers(db),
    Viewer: viewerResolvers(db),
    Brand: brandResolvers(db),
    Franchisee: franchiseeResolvers(db),
    Store: storeResolvers(db),
    Guide: guideResolvers(db),
  }),
  // Publishes stores.store.changed / stores.guide.changed from its outbox; consumes nothing yet.
  background: (deps) => startServiceEvents({ ...deps, schema: 'stores', publishes: true, consumes: [] }),
};
