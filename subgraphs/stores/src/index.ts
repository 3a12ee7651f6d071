import path from 'node:path';
import { DateTime, defineSubgraph } from '@retail/platform';
import { seedStores } from './demo';
import { CONSUMES } from './events/consumes';
import { PUBLISHES } from './events/publishes';
import { JOBS } from './jobs';
import { createLoaders, type StoresLoaders } from './loaders';
import { Brand } from './resolvers/Brand';
import { Franchisee } from './resolvers/Franchisee';
import { Guide } from './resolvers/Guide';
import { Mutation } from './resolvers/Mutation';
import { Query } from './resolvers/Query';
import { Store } from './resolvers/Store';
import { Viewer } from './resolvers/Viewer';

/** Brands, their store operators (franchisees, joint-operation partners, direct), stores and guides; the viewer. */
export const storesSubgraph = defineSubgraph<StoresLoaders>({
  name: 'stores',
  port: 4101,
  dir: path.resolve(__dirname, '..'),
  resolvers: { DateTime, Query, Mutation, Viewer, Brand, Franchisee, Store, Guide },
  loaders: createLoaders,
  events: { publishes: PUBLISHES, consumes: CONSUMES },
  jobs: JOBS,
  seed: seedStores,
});
