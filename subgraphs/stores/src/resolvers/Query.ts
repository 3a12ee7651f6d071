import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
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
};
