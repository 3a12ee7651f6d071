import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import type { ChannelsContext } from '../loaders';

export const Member = {
  __resolveReference: (r: { id: string }) => ({ id: r.id }),
  async coupons(m: { id: string }, args: PageArgs, ctx: ChannelsContext, info: GraphQLResolveInfo) {
    const page = pageRequest(args, info);
    return connectionOf(await ctx.loaders.couponsOfMember(page).load(m.id), page.first);
  },
};
