import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import { settleReservation } from '../jobs/settle-reservations';
import type { OrdersContext } from '../loaders';
import type { OrderRecord } from '../model';
import { lockOrder, markCancelled, ordersByIds } from '../repo/orders';

export interface CancelOrderInput {
  idempotencyKey: string;
  orderId: string;
  reason?: string | null;
}

/**
 * cancelOrder: an order not yet paid is CANCELLED by its member, its store's staff, its operator, the brand's admins
 * or the platform (the order's fence decides who reaches which order; a guide does not cancel). A paid order is not
 * cancelled here: its money goes back through refundOrder, so cancelOrder refuses it with INVALID_TRANSITION.
 *
 * Stock (docs/events.md, "Stock of an order"): the order is written CANCELLED first, then its reservation is returned
 * at products under the order's key. Returning first would leave, after a crash in between, an unpaid order without
 * its units that a payment could still complete (an oversell); written first, a crash leaves the units held, and the
 * settle-reservations job returns them. Idempotent by key.
 */
export async function cancelOrder(ctx: OrdersContext, input: CancelOrderInput): Promise<{ order: OrderRecord }> {
  const { scope } = ctx;
  if (scope.kind === 'guide' || scope.kind === 'partner' || scope.kind === 'anonymous') throw UserErrorException.forbidden('a guide does not cancel orders');
  const check = new InputCheck();
  const reason = check.optionalText(input.reason, ['input', 'reason'], 500);
  check.done();
  const { idempotencyKey, ...request } = input;
  const { response } = await idempotent(ctx.db, { schema: 'orders', scope: scopeKey(scope), operation: 'cancelOrder', key: idempotencyKey, request }, async (tx) => {
    const order = await lockOrder(tx, scope, input.orderId);
    if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
    if (order.status !== 'PENDING_PAYMENT') {
      throw UserErrorException.of('INVALID_TRANSITION', `an order that is ${order.status} is not cancelled: a paid order is refunded (refundOrder)`, ['input', 'orderId']);
    }
    await markCancelled(tx, order.id, reason);
    return { orderId: order.id, reservationId: order.reservationState === 'HELD' ? order.reservationId : null };
  });
  if (response.reservationId) await settleReservation({ db: ctx.db, peers: ctx.peers, logger: ctx.logger }, response.orderId, response.reservationId, 'RETURN');
  const [order] = await ordersByIds(ctx.db, scope, [response.orderId]);
  if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
  return { order };
}
