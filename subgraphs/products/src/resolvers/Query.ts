import { badUserInput, connectionOf, MAX_PAGE, pageRequest, requireService, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { productSearchFrom, type ProductFilterInput } from '../domain/product-search';
import { sellableSku } from '../domain/sellable-sku';
import type { ProductsContext } from '../loaders';
import { searchProducts } from '../repo/products';
import { sellableSkusAt } from '../repo/sellable-skus';
import { skuByCode } from '../repo/skus';

interface ProductsArgs extends PageArgs {
  filter?: ProductFilterInput | null;
}

export const Query = {
  product: (_: unknown, { id }: { id: string }, ctx: ProductsContext) => ctx.loaders.product.load(id),
  sku: (_: unknown, { id }: { id: string }, ctx: ProductsContext) => ctx.loaders.sku.load(id),
  skuByCode: (_: unknown, { brandId, code }: { brandId: string; code: string }, ctx: ProductsContext) => skuByCode(ctx.db, ctx.scope, brandId, code),
  /** Newest first; totalCount is counted in the page's statement, and only when selected. */
  products: async (_: unknown, args: ProductsArgs, ctx: ProductsContext, info: GraphQLResolveInfo) => {
    const search = productSearchFrom(args.filter);
    const request = pageRequest(args, info);
    const page = await searchProducts(ctx.db, ctx.scope, search, request);
    // A product of the page needs no second statement when a SKU asks for it.
    for (const p of page.rows) ctx.loaders.product.prime(p.id, p);
    return connectionOf(page, request.first);
  },
  /** Internal, SERVICE only: price and sellability of SKUs at a store for order lines; unknown ids are left out. */
  sellableSkus: async (_: unknown, { storeId, skuIds }: { storeId: string; skuIds: string[] }, ctx: ProductsContext) => {
    requireService(ctx.viewer);
    if (skuIds.length > MAX_PAGE) throw badUserInput(`at most ${MAX_PAGE} skuIds`, ['skuIds']);
    return (await sellableSkusAt(ctx.db, storeId, skuIds)).map(sellableSku);
  },
};
