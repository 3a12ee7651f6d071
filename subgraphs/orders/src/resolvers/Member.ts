import { formatMoney } from '@retail/platform';
import { orderListOf, type OrdersContext } from '../loaders';

interface MemberRef {
  id: string;
}

/** Member is owned by members; orders adds the member's orders (each order fenced). */
export const Member = {
  __resolveReference: (r: MemberRef) => ({ id: r.id }),
  orders: orderListOf('member'),
  /** 累计消费 over the member's orders in the caller's reach; 0 when there are none. */
  lifetimeSpend: async (x: MemberRef, _: unknown, ctx: OrdersContext) => {
    const row = await ctx.loaders.lifetimeSpend.load(x.id);
    return formatMoney(row?.spendFen ?? 0, row?.currency ?? 'CNY');
  },
};
