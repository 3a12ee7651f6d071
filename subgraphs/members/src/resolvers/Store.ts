import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeMembers, type MembersContext } from '../loaders';
import type { MemberConditions } from '../repo/members';
import { metricsPeriod, type MetricsPeriod } from '../domain/store-metrics';

interface StoreRef {
  id: string;
}

/** Store is owned by stores; members adds its members, null outside the caller's reach of the store. */
export const Store = {
  __resolveReference: (r: StoreRef) => ({ id: r.id }),
  members: async (s: StoreRef, args: PageArgs & { filter?: MemberConditions | null }, ctx: MembersContext, info: GraphQLResolveInfo) => {
    if (!(await ctx.loaders.storeInScope.load(s.id))) return null;
    const page = pageRequest(args, info);
    return connectionOf(primeMembers(ctx.loaders, await ctx.loaders.membersOfStore({ filter: args.filter ?? {}, page }).load(s.id)), page.first);
  },
  /** Null outside the caller's reach of the store (the same fence as members); a malformed period is BAD_USER_INPUT. */
  /** Null outside the caller's reach of the store (the same fence as members). */
  guidesAwaitingHandover: async (s: StoreRef, _: unknown, ctx: MembersContext) => ((await ctx.loaders.storeInScope.load(s.id)) ? ctx.loaders.guidesAwaitingHandover.load(s.id) : null),
  memberMetrics: (s: StoreRef, { period }: { period: MetricsPeriod }, ctx: MembersContext) => ctx.loaders.storeMemberMetrics(metricsPeriod(period)).load(s.id),
};
