import type { ProductsContext } from '../loaders';
import type { StockLevel } from '../model';

/** StoreStock: available is public; onHand / reserved only inside the store's fence (else null). */
export const StoreStock = {
  store: (s: StockLevel) => ({ __typename: 'Store', id: s.storeId }),
  sku: (s: StockLevel, _: unknown, ctx: ProductsContext) => ctx.loaders.sku.load(s.skuId),
  onHand: (s: StockLevel) => (s.staffVisible ? s.onHand : null),
  reserved: (s: StockLevel) => (s.staffVisible ? s.reserved : null),
  available: (s: StockLevel) => Math.max(0, s.onHand - s.reserved),
};
