import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import type { StoresContext } from '../loaders';
import type { BrandRecord } from '../model';

/** Code and name are public; the group and the operators only for callers inside the brand. */
export const Brand = {
  __resolveReference: (ref: { id: string }, ctx: StoresContext) => ctx.loaders.brand.load(ref.id),
  group: (b: BrandRecord) => (b.inScope ? b.groupId : null),
  franchisees: async (b: BrandRecord, args: PageArgs, ctx: StoresContext, info: GraphQLResolveInfo) => {
    if (!b.inScope) return null;
    const page = pageRequest(args, info);
    return connectionOf(await ctx.loaders.franchiseesOfBrand(page).load(b.id), page.first);
  },
};
