import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { toOpeningHours } from '../domain/opening-hours';
import type { StoresContext } from '../loaders';
import type { GuideStatus, StoreRecord } from '../model';

/** A store's public face for anyone; its operator and guides only inside the caller's scope. */
export const Store = {
  __resolveReference: (ref: { id: string }, ctx: StoresContext) => ctx.loaders.store.load(ref.id),
  brand: (s: StoreRecord, _: unknown, ctx: StoresContext) => ctx.loaders.brand.load(s.brandId),
  franchisee: (s: StoreRecord, _: unknown, ctx: StoresContext) => (s.inScope ? ctx.loaders.franchisee.load(s.franchiseeId) : null),
  openingHours: async (s: StoreRecord, _: unknown, ctx: StoresContext) => (await ctx.loaders.openingHours.load(s.id)).map(toOpeningHours),
  guides: async (s: StoreRecord, args: PageArgs & { status?: GuideStatus | null }, ctx: StoresContext, info: GraphQLResolveInfo) => {
    if (!s.inScope) return null;
    const page = pageRequest(args, info);
    return connectionOf(await ctx.loaders.guidesOfStore({ status: args.status ?? null, page }).load(s.id), page.first);
  },
};
