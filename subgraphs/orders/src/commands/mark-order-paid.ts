import { idempotent, parseMoneyInput, requireService, scopeKey, UserErrorException, type MoneyInput } from '@retail/platform';
import { takePayment } from '../events/payment-received';
import { settleReservation } from '../jobs/settle-reservations';
import type { OrdersContext } from '../loaders';
import type { OrderRecord, PaymentProvider } from '../model';
import { ordersByIds } from '../repo/orders';
import { refusePayment } from './record-cash-payment';

export interface MarkOrderPaidInput {
  idempotencyKey: string;
  orderId: string;
  provider: PaymentProvider;
  providerTransactionId: string;
  amount: MoneyInput;
  paidAt: Date | string;
}

/**
 * markOrderPaid (internal, SERVICE callers only): a provider confirmed a payment. The same rule as
 * channels.payment.succeeded (events/payment-received.ts), but a mismatch is refused to the caller
 * (PAYMENT_AMOUNT_MISMATCH) instead of being recorded. A provider transaction already recorded answers the order
 * as it is: no second payment.
 */
export async function markOrderPaid(ctx: OrdersContext, input: MarkOrderPaidInput): Promise<{ order: OrderRecord }> {
  requireService(ctx.viewer);
  const { idempotencyKey, ...request } = input;
  const money = parseMoneyInput(input.amount, ['input', 'amount']);
  const paidAt = new Date(input.paidAt);
  if (Number.isNaN(paidAt.getTime())) throw UserErrorException.of('INVALID_INPUT', 'paidAt must be a date-time', ['input', 'paidAt']);
  if (!input.providerTransactionId.trim() || input.providerTransactionId.length > 200) {
    throw UserErrorException.of('INVALID_INPUT', 'providerTransactionId must be 1 to 200 characters', ['input', 'providerTransactionId']);
  }
  const { response } = await idempotent(ctx.db, { schema: 'orders', scope: scopeKey(ctx.scope), operation: 'markOrderPaid', key: idempotencyKey, request }, async (tx) => {
    const outcome = await takePayment(tx, ctx.scope, {
      orderId: input.orderId,
      provider: input.provider,
      providerTransactionId: input.providerTransactionId,
      amountFen: money.fen,
      currency: money.currency,
      paidAt: paidAt.toISOString(),
    });
    if (outcome.kind === 'DUPLICATE') return { orderId: outcome.orderId, settle: null };
    if (outcome.kind !== 'PAID') refusePayment(outcome);
    return { orderId: outcome.order.id, settle: outcome.order.status === 'COMPLETED' ? outcome.order.reservationId : null };
  });
  if (response.settle) await settleReservation({ db: ctx.db, peers: ctx.peers, logger: ctx.logger }, response.orderId, response.settle, 'CONSUME');
  const [order] = await ordersByIds(ctx.db, ctx.scope, [response.orderId]);
  if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
  return { order };
}
