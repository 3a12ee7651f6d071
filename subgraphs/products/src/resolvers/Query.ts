import { clampFirst, toConnection, type SubgraphContext, type SubgraphDeps } from '@retail/platform';
import { productKeysetFrom, productSearchFrom, type ProductFilterInput } from '../catalog/product-search';
import { catalogLoaders } from '../loaders';
import type { Product } from '../model';
import { countProducts, searchProducts } from '../store/products';
import { skuByCode } from '../store/skus';
import type { ProductConnectionSource } from './ProductConnection';

interface ProductsArgs {
  filter?: ProductFilterInput | null;
  first?: number | null;
  after?: string | null;
}

export function queryResolvers({ db }: SubgraphDeps) {
  return {
    product: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => catalogLoaders(db, ctx).product.load(id),
    sku: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => catalogLoaders(db, ctx).sku.load(id),
    skuByCode: (_: unknown, { brandId, code }: { brandId: string; code: string }, ctx: SubgraphContext) => skuByCode(db, ctx.scope, brandId, code),
    products: async (_: unknown, args: ProductsArgs, ctx: SubgraphContext): Promise<ProductConnectionSource> => {
      const search = productSearchFrom(args.filter);
      const after = productKeysetFrom(args.after);
      const first = clampFirst(args.first);
      const rows = await searchProducts(db, ctx.scope, search, after, first + 1);
      const loader = catalogLoaders(db, ctx).product;
      rows.forEach((r) => loader.prime(r.id, r));
      return { ...toConnection<Product>(rows, first, (r) => [r.createdKey, r.id]), count: () => countProducts(db, ctx.scope, search) };
    },
  };
}
