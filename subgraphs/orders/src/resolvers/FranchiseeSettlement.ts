import { connectionOf, formatMoney, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { periodOf, type Period, type PeriodArg } from '../domain/period';
import { settlementTotals, type SettlementTotals } from '../domain/settlement';
import type { OrdersContext } from '../loaders';
import { settlementLines, settlementSums, settlementVisible } from '../repo/settlement';

/** A settlement the caller may read: the operator, the period, the currency and the period's totals. */
export interface SettlementSource {
  franchiseeId: string;
  period: Period;
  currency: string;
  totals: SettlementTotals;
}

/** Query.franchiseeSettlement: null unless the caller is the operator, its brand's admin or the platform. */
export async function franchiseeSettlement(
  ctx: OrdersContext,
  args: { franchiseeId: string; period: PeriodArg; currency?: string | null },
): Promise<SettlementSource | null> {
  const period = periodOf(args.period);
  const currency = args.currency ?? 'CNY';
  if (!(await settlementVisible(ctx.db, ctx.scope, args.franchiseeId))) return null;
  const totals = settlementTotals(await settlementSums(ctx.db, ctx.scope, args.franchiseeId, period, currency));
  return { franchiseeId: args.franchiseeId, period, currency, totals };
}

export const FranchiseeSettlement = {
  franchisee: (s: SettlementSource) => ({ __typename: 'Franchisee', id: s.franchiseeId }),
  from: (s: SettlementSource) => s.period.from,
  to: (s: SettlementSource) => s.period.to,
  orders: (s: SettlementSource) => s.totals.orders,
  gross: (s: SettlementSource) => formatMoney(s.totals.grossFen, s.currency),
  refunds: (s: SettlementSource) => formatMoney(s.totals.refundsFen, s.currency),
  commission: (s: SettlementSource) => formatMoney(s.totals.commissionFen, s.currency),
  netOwed: (s: SettlementSource) => formatMoney(s.totals.netOwedFen, s.currency),
  lines: async (s: SettlementSource, args: PageArgs, ctx: OrdersContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(await settlementLines(ctx.db, ctx.scope, s.franchiseeId, s.period, s.currency, page), page.first);
  },
};
