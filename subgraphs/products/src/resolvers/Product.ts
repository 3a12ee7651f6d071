import type { ProductsContext } from '../loaders';
import type { Product as ProductRecord } from '../model';

export const Product = {
  __resolveReference: (ref: { id: string }, ctx: ProductsContext) => ctx.loaders.product.load(ref.id),
  brand: (p: ProductRecord) => ({ __typename: 'Brand', id: p.brandId }),
  skus: (p: ProductRecord, _: unknown, ctx: ProductsContext) => ctx.loaders.skusOfProduct.load(p.id),
};
