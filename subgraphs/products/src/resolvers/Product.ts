import type { SubgraphContext, SubgraphDeps } from '@retail/platform';
import { catalogLoaders } from '../loaders';
import type { Product } from '../model';

export function productResolvers({ db }: SubgraphDeps) {
  return {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => catalogLoaders(db, ctx).product.load(ref.id),
    brand: (p: Product) => ({ __typename: 'Brand', id: p.brandId }),
    skus: (p: Product, _: unknown, ctx: SubgraphContext) => catalogLoaders(db, ctx).skusOfProduct.load(p.id),
  };
}
