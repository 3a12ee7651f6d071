import { formatMoney } from '@retail/platform';
import type { OrdersContext } from '../loaders';
import type { SplitRecord } from '../model';

/** A booked split row; its order goes through the order loader (fenced like every order). */
export const SettlementLine = {
  order: (s: SplitRecord, _: unknown, ctx: OrdersContext) => ctx.loaders.order.load(s.orderId),
  store: (s: SplitRecord) => (s.storeId ? { __typename: 'Store', id: s.storeId } : null),
  gross: (s: SplitRecord) => formatMoney(s.grossFen, s.currency),
  commission: (s: SplitRecord) => formatMoney(s.commissionFen, s.currency),
  operatorNet: (s: SplitRecord) => formatMoney(s.operatorNetFen, s.currency),
};
