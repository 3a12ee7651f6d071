import { payloadFrom, type SubgraphContext, type SubgraphDeps } from '@retail/platform';
import { adjustStock, type AdjustStockInput } from '../commands/adjust-stock';
import { releaseStock, type ReleaseStockInput } from '../commands/release-stock';
import { reserveStock, type ReserveStockInput } from '../commands/reserve-stock';
import { setStorePrice, type SetStorePriceInput } from '../commands/set-store-price';
import { upsertProduct, type UpsertProductInput } from '../commands/upsert-product';
import { catalogLoaders } from '../loaders';

/** Thin: each mutation runs its command; business failures come back as userErrors. */
export function mutationResolvers({ db }: SubgraphDeps) {
  return {
    upsertProduct: (_: unknown, { input }: { input: UpsertProductInput }, ctx: SubgraphContext) =>
      payloadFrom(async () => {
        const { productId } = await upsertProduct(db, ctx.scope, input);
        return { product: await catalogLoaders(db, ctx).product.load(productId) };
      }),
    setStorePrice: (_: unknown, { input }: { input: SetStorePriceInput }, ctx: SubgraphContext) => payloadFrom(() => setStorePrice(db, ctx.scope, input)),
    adjustStock: (_: unknown, { input }: { input: AdjustStockInput }, ctx: SubgraphContext) => payloadFrom(() => adjustStock(db, ctx.viewer, ctx.scope, input)),
    reserveStock: (_: unknown, { input }: { input: ReserveStockInput }, ctx: SubgraphContext) => payloadFrom(() => reserveStock(db, ctx.viewer, ctx.scope, input)),
    releaseStock: (_: unknown, { input }: { input: ReleaseStockInput }, ctx: SubgraphContext) => payloadFrom(() => releaseStock(db, ctx.viewer, ctx.scope, input)),
  };
}
