import { connectionOf, formatMoney, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import type { PointsContext } from '../loaders';
import type { AgreementRecord, SettlementFigures } from '../model';
import { exchangesOfStatement, type Period } from '../repo/settlement';

/** What Query.partnerSettlement resolved: the agreement (fenced and checked), the period and the figures. */
export interface Statement extends SettlementFigures {
  agreement: AgreementRecord;
  period: Period;
}

export const PartnerSettlementStatement = {
  amountOwed: (s: Statement) => formatMoney(s.amountFen, s.agreement.currency),
  exchanges: async (s: Statement, args: PageArgs, ctx: PointsContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(await exchangesOfStatement(ctx.db, s.agreement.id, s.period, page), page.first);
  },
};
