import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { periodOf } from '../domain/exchange';
import { maySeeSettlement } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import { agreementsOfBrand } from '../repo/agreements';
import { settlementFigures } from '../repo/settlement';
import type { Statement } from './PartnerSettlementStatement';

export const Query = {
  pointsAccount: (_: unknown, { memberId }: { memberId: string }, ctx: PointsContext) => ctx.loaders.accountOfMember.load(memberId),
  partnerAgreements: async (_: unknown, args: PageArgs & { brandId: string }, ctx: PointsContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(await agreementsOfBrand(ctx.db, ctx.scope, args.brandId, page), page.first);
  },
  pointsExchange: (_: unknown, { id }: { id: string }, ctx: PointsContext) => ctx.loaders.exchange.load(id),
  /** Null for an agreement out of reach, or one whose settlement the caller may not see (domain/permissions.ts). */
  partnerSettlement: async (_: unknown, args: { agreementId: string; period: { from: Date; to: Date } }, ctx: PointsContext): Promise<Statement | null> => {
    const period = periodOf(args.period);
    const agreement = await ctx.loaders.agreement.load(args.agreementId);
    if (!agreement || !maySeeSettlement(ctx.scope, agreement)) return null;
    return { agreement, period, ...(await settlementFigures(ctx.db, agreement.id, period)) };
  },
};
