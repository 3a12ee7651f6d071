import path from 'node:path';
import { DateTime, defineSubgraph } from '@retail/platform';
import { seedProducts } from './demo';
import { CONSUMES } from './events/consumes';
import { PUBLISHES } from './events/publishes';
import { JOBS } from './jobs';
import { createLoaders, type ProductsLoaders } from './loaders';
import { Mutation } from './resolvers/Mutation';
import { Product } from './resolvers/Product';
import { Query } from './resolvers/Query';
import { Sku } from './resolvers/Sku';
import { StockReservation } from './resolvers/StockReservation';
import { StockReservationLine } from './resolvers/StockReservationLine';
import { Store } from './resolvers/Store';
import { StoreStock } from './resolvers/StoreStock';

export { seedProducts } from './demo';
export { applyStoreChanged, type StoreChangedPayload } from './events/consumes';
export type { ProductsContext, ProductsLoaders } from './loaders';

/** The products subgraph: catalog (Product, Sku), per-store prices and store stock. */
export const productsSubgraph = defineSubgraph<ProductsLoaders>({
  name: 'products',
  port: 4103,
  dir: path.resolve(__dirname, '..'),
  resolvers: { DateTime, Query, Mutation, Product, Sku, Store, StoreStock, StockReservation, StockReservationLine },
  loaders: createLoaders,
  events: { publishes: PUBLISHES, consumes: CONSUMES },
  jobs: JOBS,
  seed: seedProducts,
});
