import { badUserInput, connectionOf, MAX_PAGE, pageRequest, requireService, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeStores, type StoresContext } from '../loaders';
import { listBrands } from '../repo/brands';
import { listStores, type StoreFilter } from '../repo/stores';

type ById = { id: string };

export const Query = {
  viewer: (_: unknown, __: unknown, ctx: StoresContext) => ctx.viewer,
  brand: async (_: unknown, { id }: ById, ctx: StoresContext) => {
    const brand = await ctx.loaders.brand.load(id);
    return brand?.inScope ? brand : null;
  },
  brands: async (_: unknown, args: PageArgs, ctx: StoresContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(await listBrands(ctx.db, ctx.scope, page), page.first);
  },
  franchisee: (_: unknown, { id }: ById, ctx: StoresContext) => ctx.loaders.franchisee.load(id),
  store: (_: unknown, { id }: ById, ctx: StoresContext) => ctx.loaders.store.load(id),
  stores: async (_: unknown, args: PageArgs & { filter?: StoreFilter | null }, ctx: StoresContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(primeStores(ctx.loaders, await listStores(ctx.db, ctx.scope, args.filter ?? {}, page)), page.first);
  },
  guide: (_: unknown, { id }: ById, ctx: StoresContext) => ctx.loaders.guide.load(id),
  /** Internal, SERVICE only: the current brand and operator of stores, for other subgraphs' fences; unknown ids are left out. */
  storeOperators: async (_: unknown, { ids }: { ids: string[] }, ctx: StoresContext) => {
    requireService(ctx.viewer);
    if (ids.length > MAX_PAGE) throw badUserInput(`at most ${MAX_PAGE} ids`, ['ids']);
    const stores = await ctx.loaders.store.loadMany(ids);
    return stores.flatMap((s) => (s && !(s instanceof Error) ? [{ storeId: s.id, brandId: s.brandId, franchiseeId: s.franchiseeId, updatedAt: s.updatedAt }] : []));
  },
};
