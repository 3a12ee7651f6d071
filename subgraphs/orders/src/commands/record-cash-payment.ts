import { idempotent, parseMoneyInput, scopeKey, UserErrorException, type MoneyInput, type UserError } from '@retail/platform';
import { takePayment, type PaymentOutcome } from '../events/payment-received';
import { settleReservation } from '../jobs/settle-reservations';
import type { OrdersContext } from '../loaders';
import type { OrderRecord } from '../model';
import { ordersByIds } from '../repo/orders';

export interface RecordCashPaymentInput {
  idempotencyKey: string;
  orderId: string;
  amount: MoneyInput;
}

/** A refused payment as the caller's userError (the transaction rolls back: nothing is recorded). */
export function refusePayment(outcome: PaymentOutcome): never {
  const errors: Record<string, UserError> = {
    NOT_FOUND: { code: 'NOT_FOUND', message: 'order not found', field: ['input', 'orderId'] },
    NOT_DUE: { code: 'INVALID_TRANSITION', message: 'reason' in outcome ? `${outcome.reason}: it takes no payment` : 'the order takes no payment', field: ['input', 'orderId'] },
    MISMATCH: { code: 'PAYMENT_AMOUNT_MISMATCH', message: 'reason' in outcome ? outcome.reason : 'the amount is not what is due', field: ['input', 'amount'] },
  };
  throw new UserErrorException([errors[outcome.kind] ?? { code: 'INVALID_INPUT', message: 'the payment was not taken', field: null }]);
}

/**
 * recordCashPayment (现金收款 at the till): the order's store's staff, its operator, its brand's admins and the platform
 * (the order's fence decides which order each reaches). The amount must be exactly what is due. Idempotent by key:
 * a retry answers the same order. A sale handed over at the till is COMPLETED here; its reserved units are then
 * consumed at products after the commit (the settle-reservations job finishes it if that call fails).
 */
export async function recordCashPayment(ctx: OrdersContext, input: RecordCashPaymentInput): Promise<{ order: OrderRecord }> {
  const { idempotencyKey, ...request } = input;
  const money = parseMoneyInput(input.amount, ['input', 'amount']);
  const { scope } = ctx;
  if (scope.kind !== 'platform' && scope.kind !== 'brand' && scope.kind !== 'franchisee' && scope.kind !== 'store') {
    throw UserErrorException.forbidden('cash is taken by the store, its operator or the brand');
  }
  const { response } = await idempotent(ctx.db, { schema: 'orders', scope: scopeKey(scope), operation: 'recordCashPayment', key: idempotencyKey, request }, async (tx) => {
    const outcome = await takePayment(tx, scope, {
      orderId: input.orderId,
      provider: 'CASH',
      providerTransactionId: null,
      amountFen: money.fen,
      currency: money.currency,
      paidAt: new Date().toISOString(),
    });
    if (outcome.kind !== 'PAID') refusePayment(outcome);
    const { order } = outcome;
    return { orderId: order.id, settle: order.status === 'COMPLETED' && order.reservationId ? order.reservationId : null };
  });
  if (response.settle) await settleReservation({ db: ctx.db, peers: ctx.peers, logger: ctx.logger }, response.orderId, response.settle, 'CONSUME');
  const [order] = await ordersByIds(ctx.db, scope, [response.orderId]);
  if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
  return { order };
}
