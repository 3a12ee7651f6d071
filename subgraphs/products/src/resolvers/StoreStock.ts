import type { SubgraphContext, SubgraphDeps } from '@retail/platform';
import { catalogLoaders } from '../loaders';
import type { StockLevel } from '../model';

/** StoreStock: available is public; onHand / reserved only inside the store's fence (else null). */
export function storeStockResolvers({ db }: SubgraphDeps) {
  return {
    store: (s: StockLevel) => ({ __typename: 'Store', id: s.storeId }),
    sku: (s: StockLevel, _: unknown, ctx: SubgraphContext) => catalogLoaders(db, ctx).sku.load(s.skuId),
    onHand: (s: StockLevel) => (s.staffVisible ? s.onHand : null),
    reserved: (s: StockLevel) => (s.staffVisible ? s.reserved : null),
    available: (s: StockLevel) => Math.max(0, s.onHand - s.reserved),
  };
}
