import type { Peers } from '@retail/platform';
import type { OrderForPayment, PaymentFacts } from '../model';

/** What the order says about a verified payment: it fits, it can never fit (REJECT), or orders could not answer now. */
export type OrderCheck = { kind: 'OK' } | { kind: 'REJECT'; reason: string } | { kind: 'UNAVAILABLE'; reason: string };

const ORDER_FOR_PAYMENT = 'query OrderForPayment($ids: [ID!]!) { orderForPayment(ids: $ids) { id brandId status totalFen paidFen currency } }';

/**
 * A payment a provider reports, checked against its order (orders' internal orderForPayment, docs/events.md): the
 * order exists, belongs to the connection's brand, and the amount is the order's total in its currency. Asked
 * before anything is stored and never inside a transaction (docs/architecture.md §8).
 */
export async function checkPaymentAgainstOrder(peers: Peers, brandId: string, payment: PaymentFacts): Promise<OrderCheck> {
  let orders: OrderForPayment[];
  try {
    orders = (await peers.query<{ orderForPayment: OrderForPayment[] }>('orders', ORDER_FOR_PAYMENT, { ids: [payment.orderId] })).orderForPayment;
  } catch (e) {
    return { kind: 'UNAVAILABLE', reason: `orders could not answer: ${e instanceof Error ? e.message : String(e)}` };
  }
  const order = orders.find((o) => o.id === payment.orderId);
  if (!order) return { kind: 'REJECT', reason: `no order ${payment.orderId}` };
  if (order.brandId !== brandId) return { kind: 'REJECT', reason: `order ${order.id} belongs to another brand than the connection` };
  if (order.currency !== payment.currency) return { kind: 'REJECT', reason: `currency ${payment.currency} is not the order's ${order.currency}` };
  if (order.totalFen !== payment.amountFen) return { kind: 'REJECT', reason: `amount mismatch: paid ${payment.amountFen} fen, the order's total is ${order.totalFen} fen` };
  return { kind: 'OK' };
}
