import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeStores, type StoresContext } from '../loaders';
import type { FranchiseeRecord } from '../model';

/** A Franchisee record exists only inside the caller's scope (the loaders fence it). */
export const Franchisee = {
  __resolveReference: (ref: { id: string }, ctx: StoresContext) => ctx.loaders.franchisee.load(ref.id),
  brand: (f: FranchiseeRecord, _: unknown, ctx: StoresContext) => ctx.loaders.brand.load(f.brandId),
  stores: async (f: FranchiseeRecord, args: PageArgs, ctx: StoresContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(primeStores(ctx.loaders, await ctx.loaders.storesOfFranchisee(page).load(f.id)), page.first);
  },
};
