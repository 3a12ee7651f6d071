import { badUserInput, connectionOf, MAX_PAGE, pageRequest, requireService, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeOrders, type OrdersContext } from '../loaders';
import type { SalesChannel } from '../model';
import { listOrders, orderByExternalId, type OrderFilter } from '../repo/orders';
import { franchiseeSettlement } from './FranchiseeSettlement';
import type { PeriodArg } from '../domain/period';

export const Query = {
  order: (_: unknown, { id }: { id: string }, ctx: OrdersContext) => ctx.loaders.order.load(id),
  orderByExternalId: (_: unknown, args: { channel: SalesChannel; externalOrderId: string }, ctx: OrdersContext) =>
    orderByExternalId(ctx.db, ctx.scope, args.channel, args.externalOrderId),
  orders: async (_: unknown, args: PageArgs & { filter?: OrderFilter | null }, ctx: OrdersContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(primeOrders(ctx.loaders, await listOrders(ctx.db, ctx.scope, args.filter ?? {}, page)), page.first);
  },
  franchiseeSettlement: (_: unknown, args: { franchiseeId: string; period: PeriodArg; currency?: string | null }, ctx: OrdersContext) => franchiseeSettlement(ctx, args),
  /** Internal, SERVICE only: what channels checks a payment notification against (docs/events.md); unknown ids are left out. */
  orderForPayment: async (_: unknown, { ids }: { ids: string[] }, ctx: OrdersContext) => {
    requireService(ctx.viewer);
    if (ids.length > MAX_PAGE) throw badUserInput(`at most ${MAX_PAGE} ids`, ['ids']);
    const orders = await ctx.loaders.order.loadMany(ids);
    return orders.flatMap((o) => (o && !(o instanceof Error) ? [{ id: o.id, brandId: o.brandId, status: o.status, totalFen: o.totalFen, paidFen: o.paidFen, currency: o.currency }] : []));
  },
};
