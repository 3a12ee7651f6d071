import type { Scope, Transaction } from '@retail/platform';
import { statusWhenPaid } from '../domain/order-status';
import type { NewPayment, OrderState } from '../model';
import { lockOrder, paymentByProviderTransaction, recordPayment } from '../repo/orders';
import { bookSaleSplit } from '../repo/splits';
import { publishOrderCompleted, publishOrderPaid } from './publishes';

/** What became of a payment: taken (the order is paid), already known, or refused with the reason. */
export type PaymentOutcome =
  | { kind: 'PAID'; order: OrderState }
  | { kind: 'DUPLICATE'; orderId: string }
  | { kind: 'NOT_FOUND' }
  | { kind: 'NOT_DUE'; order: OrderState; reason: string }
  | { kind: 'MISMATCH'; order: OrderState; reason: string };

/**
 * A payment for an order, in the caller's transaction (recordCashPayment, markOrderPaid, channels.payment.succeeded):
 * a provider transaction already recorded has no second effect; the order must await payment and the amount must be
 * exactly what is due, in its currency. Then the payment is recorded, the order is PAID (COMPLETED for a sale at
 * the till, domain/order-status.ts) and orders.order.paid (and .completed) go to the outbox in the same
 * transaction. `scope` fences the order (the platform's for internal callers).
 */
export async function takePayment(tx: Transaction, scope: Scope, payment: NewPayment): Promise<PaymentOutcome> {
  if (payment.providerTransactionId) {
    const known = await paymentByProviderTransaction(tx, payment.provider, payment.providerTransactionId);
    if (known) return { kind: 'DUPLICATE', orderId: known.orderId };
  }
  const order = await lockOrder(tx, scope, payment.orderId);
  if (!order) return { kind: 'NOT_FOUND' };
  if (order.status !== 'PENDING_PAYMENT') return { kind: 'NOT_DUE', order, reason: `the order is ${order.status}` };
  const dueFen = order.totalFen - order.paidFen;
  if (payment.currency !== order.currency || payment.amountFen !== dueFen) {
    return { kind: 'MISMATCH', order, reason: `due ${(dueFen / 100).toFixed(2)} ${order.currency}, paid ${(payment.amountFen / 100).toFixed(2)} ${payment.currency}` };
  }
  const status = statusWhenPaid(order.channel);
  await recordPayment(tx, payment, status);
  // 分账: the split of an order paid at an operator's store with a commission rate, in the same transaction.
  await bookSaleSplit(tx, order.id);
  const paid = (await lockOrder(tx, scope, order.id))!;
  await publishOrderPaid(tx, paid);
  if (status === 'COMPLETED') await publishOrderCompleted(tx, paid, paid.paidAt ?? payment.paidAt);
  return { kind: 'PAID', order: paid };
}
