import { formatMoney } from '@retail/platform';
import type { ProductsContext } from '../loaders';
import type { Sku as SkuRecord } from '../model';

export const Sku = {
  __resolveReference: (ref: { id: string }, ctx: ProductsContext) => ctx.loaders.sku.load(ref.id),
  product: (s: SkuRecord, _: unknown, ctx: ProductsContext) => ctx.loaders.product.load(s.productId),
  listPrice: (s: SkuRecord) => formatMoney(s.listPriceFen, s.currency),
  /** The store's own price when it set one, else the list price. */
  storePrice: async (s: SkuRecord, { storeId }: { storeId: string }, ctx: ProductsContext) => {
    const own = await ctx.loaders.storePrice.load({ storeId, skuId: s.id });
    return own ? formatMoney(own.priceFen, own.currency) : formatMoney(s.listPriceFen, s.currency);
  },
  availability: (s: SkuRecord, { storeId }: { storeId: string }, ctx: ProductsContext) => ctx.loaders.stock.load({ storeId, skuId: s.id }),
};
