import { formatMoney } from '@retail/platform';
import { orderListOf, type OrdersContext } from '../loaders';
import { periodOf, type PeriodArg } from '../domain/period';

interface GuideRef {
  id: string;
}

/** Guide is owned by stores; orders adds its attributed orders (each order fenced), kept after the guide leaves. */
export const Guide = {
  __resolveReference: (r: GuideRef) => ({ id: r.id }),
  attributedOrders: orderListOf('guide'),
  /** 导购业绩: null outside the caller's reach of the guide (its brand, its store's operator and staff, itself). */
  performance: async (x: GuideRef, args: { period: PeriodArg }, ctx: OrdersContext) => {
    const row = await ctx.loaders.guidePerformance(periodOf(args.period)).load(x.id);
    return row ? { orders: row.orders, sales: formatMoney(row.salesFen, row.currency) } : null;
  },
};
