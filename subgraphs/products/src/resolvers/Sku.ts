import { formatMoney, type SubgraphContext, type SubgraphDeps } from '@retail/platform';
import { catalogLoaders } from '../loaders';
import type { Sku } from '../model';

export function skuResolvers({ db }: SubgraphDeps) {
  return {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => catalogLoaders(db, ctx).sku.load(ref.id),
    product: (s: Sku, _: unknown, ctx: SubgraphContext) => catalogLoaders(db, ctx).product.load(s.productId),
    listPrice: (s: Sku) => formatMoney(s.listPriceFen, s.currency),
    storePrice: async (s: Sku, { storeId }: { storeId: string }, ctx: SubgraphContext) => {
      const own = await catalogLoaders(db, ctx).storePrice.load({ storeId, skuId: s.id });
      return own ? formatMoney(own.priceFen, own.currency) : formatMoney(s.listPriceFen, s.currency);
    },
    availability: (s: Sku, { storeId }: { storeId: string }, ctx: SubgraphContext) => catalogLoaders(db, ctx).stock.load({ storeId, skuId: s.id }),
  };
}
