import type { Database, SubgraphContext } from '@retail/platform';
import { loadersOf, primeStores } from '../loaders';
import { listBrands } from '../store/brands';
import { connectionOf, pageRequest } from '../store/paging';
import { listStores, type StoreFilter } from '../store/stores';

type ById = { id: string };
type PageArgs = { first?: number | null; after?: string | null };

export function queryResolvers(db: Database) {
  return {
    viewer: (_: unknown, __: unknown, ctx: SubgraphContext) => ctx.viewer,
    brand: async (_: unknown, { id }: ById, ctx: SubgraphContext) => {
      const brand = await loadersOf(db, ctx).brand.load(id);
      return brand?.inScope ? brand : null;
    },
    brands: async (_: unknown, args: PageArgs, ctx: SubgraphContext) => {
      const page = pageRequest(args);
      return connectionOf(await listBrands(db, ctx.scope, page), page.first);
    },
    franchisee: (_: unknown, { id }: ById, ctx: SubgraphContext) => loadersOf(db, ctx).franchisee.load(id),
    store: (_: unknown, { id }: ById, ctx: SubgraphContext) => loadersOf(db, ctx).store.load(id),
    stores: async (_: unknown, args: PageArgs & { filter?: StoreFilter | null }, ctx: SubgraphContext) => {
      const page = pageRequest(args);
      return connectionOf(primeStores(loadersOf(db, ctx), await listStores(db, ctx.scope, args.filter ?? {}, page)), page.first);
    },
    guide: (_: unknown, { id }: ById, ctx: SubgraphContext) => loadersOf(db, ctx).guide.load(id),
  };
}
