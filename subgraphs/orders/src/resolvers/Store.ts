import { formatMoney } from '@retail/platform';
import { orderListOf, type OrdersContext } from '../loaders';
import { offHoursShare, storeSales } from '../domain/kpi';
import { periodOf, type PeriodArg } from '../domain/period';

interface StoreRef {
  id: string;
}

/** Store is owned by stores; orders adds the orders fulfilled by or attributed to it (each order fenced). */
export const Store = {
  __resolveReference: (r: StoreRef) => ({ id: r.id }),
  orders: orderListOf('store'),
  /** 门店业绩: null outside the caller's reach of the store (its brand, operator, staff and guides). */
  kpi: async (x: StoreRef, args: { period: PeriodArg }, ctx: OrdersContext) => {
    const row = await ctx.loaders.storeKpi(periodOf(args.period)).load(x.id);
    if (!row) return null;
    const sales = storeSales(row.sales);
    return {
      inStoreSales: formatMoney(sales.inStoreSalesFen, row.currency),
      miniProgramSales: formatMoney(sales.miniProgramSalesFen, row.currency),
      pickupOrders: row.pickupOrders,
      orders: sales.orders,
      total: formatMoney(sales.inStoreSalesFen + sales.miniProgramSalesFen, row.currency),
      offHoursOrderShare: offHoursShare(row.offHoursOrders, row.placedOrders),
    };
  },
};
