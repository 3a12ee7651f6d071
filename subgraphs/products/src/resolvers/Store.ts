import { badUserInput } from '@retail/platform';
import type { ProductsContext } from '../loaders';
import type { Sku, StockLevel } from '../model';

export const MAX_STOCK_SKUS = 100;

interface StoreRef {
  id: string;
}

/** Store is owned by stores; products adds its stock. */
export const Store = {
  __resolveReference: (ref: StoreRef) => ({ id: ref.id }),
  /** In the order asked; ids of unknown SKUs (or SKUs of products the caller may not see) are left out. */
  stock: async (store: StoreRef, { skuIds }: { skuIds: string[] }, ctx: ProductsContext): Promise<StockLevel[]> => {
    if (skuIds.length > MAX_STOCK_SKUS) throw badUserInput(`at most ${MAX_STOCK_SKUS} skuIds`, ['skuIds']);
    const skus = await ctx.loaders.sku.loadMany(skuIds);
    const known = skus.filter((s): s is Sku => s !== null && !(s instanceof Error));
    const levels = await ctx.loaders.stock.loadMany(known.map((s) => ({ storeId: store.id, skuId: s.id })));
    return levels.map((l) => {
      if (l instanceof Error) throw l;
      return l;
    });
  },
};
