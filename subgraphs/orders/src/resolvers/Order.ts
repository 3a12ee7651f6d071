import { formatMoney } from '@retail/platform';
import type { OrdersContext } from '../loaders';
import type { OrderLineRecord, OrderRecord, PaymentRecord } from '../model';

const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);

/** An Order record exists only inside the caller's scope (the loaders fence it); everything below is its own. */
export const Order = {
  __resolveReference: (r: { id: string }, ctx: OrdersContext) => ctx.loaders.order.load(r.id),
  brand: (o: OrderRecord) => ({ __typename: 'Brand', id: o.brandId }),
  member: (o: OrderRecord) => ref('Member', o.memberId),
  store: (o: OrderRecord) => ref('Store', o.storeId),
  guide: (o: OrderRecord) => ref('Guide', o.guideId),
  franchisee: (o: OrderRecord) => ref('Franchisee', o.franchiseeId),
  lines: async (o: OrderRecord, _: unknown, ctx: OrdersContext) =>
    (await ctx.loaders.lines.load(o.id)).map((l: OrderLineRecord) => ({
      id: l.id,
      sku: ref('Sku', l.skuId),
      title: l.title,
      quantity: l.quantity,
      unitPrice: formatMoney(l.unitPriceFen, o.currency),
      lineTotal: formatMoney(l.lineTotalFen, o.currency),
      refundedQuantity: l.refundedQuantity,
    })),
  total: (o: OrderRecord) => formatMoney(o.totalFen, o.currency),
  paidTotal: (o: OrderRecord) => formatMoney(o.paidFen, o.currency),
  refundedTotal: (o: OrderRecord) => formatMoney(o.refundedFen, o.currency),
  fulfillment: (o: OrderRecord) => ({
    type: o.fulfillmentType,
    pickupStore: ref('Store', o.pickupStoreId),
    pickupCode: o.pickupCode,
    readyAt: o.readyAt,
    pickedUpAt: o.pickedUpAt,
  }),
  payments: async (o: OrderRecord, _: unknown, ctx: OrdersContext) =>
    (await ctx.loaders.payments.load(o.id)).map((y: PaymentRecord) => ({
      provider: y.provider,
      providerTransactionId: y.providerTransactionId,
      amount: formatMoney(y.amountFen, y.currency),
      paidAt: y.paidAt,
    })),
  refunds: (o: OrderRecord, _: unknown, ctx: OrdersContext) => ctx.loaders.refunds.load(o.id),
};
