import { badUserInput, connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import type { PointsContext } from '../loaders';
import type { AccountRecord, PointsTransactionKind } from '../model';

const MAX_WITHIN_DAYS = 3660;

/** A PointsAccount record exists only inside the caller's scope (the loaders fence it); everything below is its own. */
export const PointsAccount = {
  member: (a: AccountRecord) => ({ __typename: 'Member', id: a.memberId }),
  brand: (a: AccountRecord) => ({ __typename: 'Brand', id: a.brandId }),
  balance: async (a: AccountRecord, _: unknown, ctx: PointsContext) => (await ctx.loaders.points.load(a.id)).balance,
  pending: async (a: AccountRecord, _: unknown, ctx: PointsContext) => (await ctx.loaders.points.load(a.id)).pending,
  expiringSoon: (a: AccountRecord, { withinDays }: { withinDays?: number | null }, ctx: PointsContext) => {
    const days = withinDays ?? 30;
    if (!Number.isInteger(days) || days < 0 || days > MAX_WITHIN_DAYS) throw badUserInput(`withinDays must be 0 to ${MAX_WITHIN_DAYS}`, ['withinDays']);
    return ctx.loaders.expiringSoon(days).load(a.id);
  },
  transactions: async (a: AccountRecord, args: PageArgs & { kind?: PointsTransactionKind | null }, ctx: PointsContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(await ctx.loaders.transactions({ kind: args.kind ?? null, page }).load(a.id), page.first);
  },
};
