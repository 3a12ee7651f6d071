import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeMembers, type MembersContext } from '../loaders';

interface GuideRef {
  id: string;
}

/** Guide is owned by stores; members adds its customers, null outside the caller's reach of the guide. */
export const Guide = {
  __resolveReference: (r: GuideRef) => ({ id: r.id }),
  customers: async (g: GuideRef, args: PageArgs, ctx: MembersContext, info: GraphQLResolveInfo) => {
    if (!(await ctx.loaders.guideInScope.load(g.id))) return null;
    const page = pageRequest(args, info);
    return connectionOf(primeMembers(ctx.loaders, await ctx.loaders.customersOfGuide(page).load(g.id)), page.first);
  },
};
