import path from 'node:path';
import { DateTime, startServiceEvents, type SubgraphDefinition } from '@retail/platform';
import { applyStoreChanged, CONSUMED_TOPICS, type StoreChangedPayload } from './events/consumes';
import { mutationResolvers } from './resolvers/Mutation';
import { productResolvers } from './resolvers/Product';
import { productConnectionResolvers } from './resolvers/ProductConnection';
import { queryResolvers } from './resolvers/Query';
import { skuResolvers } from './resolvers/Sku';
import { storeResolvers } from './resolvers/Store';
import { storeStockResolvers } from './resolvers/StoreStock';
import { startReservationExpiry } from './jobs/expire-reservations';
import { stockReservationLineResolvers, stockReservationResolvers } from './resolvers/StockReservation';

export { seedProducts } from './seed';
export { applyStoreChanged, type StoreChangedPayload } from './events/consumes';

/** The products subgraph: catalog (Product, Sku), per-store prices and store stock. */
export const productsSubgraph: SubgraphDefinition = {
  name: 'products',
  schema: 'products',
  schemaFile: path.resolve(__dirname, '../../../schema/products.graphql'),
  migrationsDir: path.resolve(__dirname, '../migrations'),
  defaultPort: 4103,
  resolvers: (deps) => ({
    DateTime,
    Query: queryResolvers(deps),
    Mutation: mutationResolvers(deps),
    Product: productResolvers(deps),
    ProductConnection: productConnectionResolvers(),
    Sku: skuResolvers(deps),
    Store: storeResolvers(deps),
    StoreStock: storeStockResolvers(deps),
    StockReservation: stockReservationResolvers(),
    StockReservationLine: stockReservationLineResolvers(deps),
  }),
  background: async (deps) => {
    const stopExpiry = startReservationExpiry(deps);
    const stopEvents = await startServiceEvents({
      ...deps,
      schema: 'products',
      publishes: false,
      consumes: [{ topic: CONSUMED_TOPICS.storeChanged, apply: (tx, e) => applyStoreChanged(tx, e.payload as StoreChangedPayload) }],
    });
    return async () => {
      await stopEvents();
      await stopExpiry();
    };
  },
};
