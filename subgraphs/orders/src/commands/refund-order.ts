import crypto from 'node:crypto';
import { idempotent, InputCheck, newId, parseMoneyInput, scopeKey, UserErrorException, type MoneyInput, type Scope, type UserError } from '@retail/platform';
import {
  assertRefundableStatus,
  assertRefundAmount,
  checkRefundLines,
  refundableFen,
  restockLines,
  type RefundLineRequest,
  type RestockLine,
} from '../domain/refund-rules';
import { publishRefundRequested } from '../events/publishes';
import { completeRefund } from '../events/refund-completion';
import type { OrdersContext } from '../loaders';
import type { OrderRecord, PaymentProvider, RefundRecord } from '../model';
import { releaseKey, releaseStock } from '../peers';
import { ordersByIds, setReservationState } from '../repo/orders';
import { idempotencyKeyUsed, insertRefund, orderForRefund, refundById, type OrderForRefund } from '../repo/refunds';

export interface RefundOrderInput {
  idempotencyKey: string;
  orderId: string;
  amount: MoneyInput;
  lines?: RefundLineRequest[] | null;
  reason?: string | null;
}

const OPERATION = 'refundOrder';

/** Payments refunded by us at once: cash from the till, points (the points subgraph reverses on orders.order.refunded). */
const INSTANT_PROVIDERS: ReadonlySet<string> = new Set(['CASH', 'POINTS']);
/** Channel orders are refunded on the channel; their refunds arrive with channels.order.upserted. */
const CHANNEL_PROVIDERS: ReadonlySet<string> = new Set(['TMALL', 'JD']);

/** Who may refund: the platform, the brand's admins, the order's operator and its store's staff (the fence narrows to their orders). */
function assertMayRefund(scope: Scope): void {
  if (scope.kind === 'platform' || scope.kind === 'brand' || scope.kind === 'franchisee' || scope.kind === 'store') return;
  throw UserErrorException.forbidden('only the brand, the store operator or the store staff may refund an order', ['input', 'orderId']);
}

interface CheckedRefund {
  order: OrderForRefund;
  provider: PaymentProvider;
  fullRefund: boolean;
  restock: RestockLine[];
}

/** Every rule of a refund against the order as it is now (before the transaction, and again under the order's lock). */
function checkAgainstOrder(order: OrderForRefund | null, amount: { fen: number; currency: string }, lines: readonly RefundLineRequest[]): CheckedRefund {
  if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
  assertRefundableStatus(order.status);
  if (!order.provider) throw UserErrorException.of('INVALID_TRANSITION', 'the order has no payment to refund', ['input', 'orderId']);
  if (CHANNEL_PROVIDERS.has(order.provider)) {
    throw UserErrorException.of('INVALID_TRANSITION', `a ${order.channel} order is refunded on ${order.channel}; its refund arrives from the channel`, ['input', 'orderId']);
  }
  if (amount.currency !== order.currency) throw UserErrorException.of('CURRENCY_MISMATCH', `the order is in ${order.currency}`, ['input', 'amount', 'currency']);
  assertRefundAmount(amount.fen, order);
  checkRefundLines(lines, order.lines);
  const fullRefund = amount.fen === refundableFen(order);
  const pickupUncollected = order.fulfillmentType === 'STORE_PICKUP' && !order.fulfilled && order.reservationId !== null && order.reservationState === 'HELD';
  return { order, provider: order.provider, fullRefund, restock: restockLines({ pickupUncollected, fullRefund, requested: lines, lines: order.lines }) };
}

/**
 * refundOrder (退款): all or part of a paid order, at most what was paid and not yet refunded or on its way back
 * (REFUND_EXCEEDS_PAID), with the lines returned if goods come back. Idempotent by key: a replay returns the same
 * refund. A store-pickup order not collected yet gets the reserved stock of its restocked lines back (all of it
 * when refunded in full), recorded on the refund (Refund.restock). A CASH (or POINTS) refund succeeds at once, and its
 * units are asked of products BEFORE the transaction (never inside one, docs/architecture.md §8). An online one stays
 * PENDING (orders.refund.requested tells channels to send it to the provider) until channels.refund.succeeded, and its
 * units stay reserved for the order until then (WAITING): a refund the provider refuses must not have sold the goods
 * the customer still owns and collects (docs/events.md, "Refunds").
 */
export async function refundOrder(ctx: OrdersContext, input: RefundOrderInput): Promise<{ order: OrderRecord; refund: RefundRecord; userErrors: UserError[] }> {
  const check = new InputCheck();
  const amount = check.attempt(() => parseMoneyInput(input.amount, ['input', 'amount']));
  const reason = check.optionalText(input.reason, ['input', 'reason'], 500);
  const lines = input.lines ?? [];
  lines.forEach((l, i) => check.require(Number.isSafeInteger(l.quantity) && l.quantity >= 1, ['input', 'lines', String(i), 'quantity'], 'quantity must be at least 1'));
  check.done();
  if (!amount) throw new Error('unreachable: amount checked');
  assertMayRefund(ctx.scope);

  const key = scopeKey(ctx.scope);
  const request = { orderId: input.orderId, amount: input.amount, lines, reason };
  // A replay skips the stock return: the first request did it, and its refund is what the replay returns.
  let returnedAll = false;
  let returnedNow: { units: RestockLine[]; state: 'RETURNED' | 'NOT_RETURNED' } | null = null;
  if (!(await idempotencyKeyUsed(ctx.db, key, OPERATION, input.idempotencyKey))) {
    const before = checkAgainstOrder(await orderForRefund(ctx.db, ctx.scope, input.orderId, false), amount, lines);
    if (INSTANT_PROVIDERS.has(before.provider) && before.restock.length > 0 && before.order.reservationId) {
      const returned = await returnStock(ctx, before, before.order.reservationId, input.idempotencyKey);
      returnedAll = returned && before.fullRefund;
      returnedNow = { units: before.restock, state: returned ? 'RETURNED' : 'NOT_RETURNED' };
    }
  }

  const { response } = await idempotent(ctx.db, { schema: 'orders', scope: key, operation: OPERATION, key: input.idempotencyKey, request }, async (tx) => {
    const checked = checkAgainstOrder(await orderForRefund(tx, ctx.scope, input.orderId, true), amount, lines);
    const refundId = newId('rfd');
    const now = new Date().toISOString();
    const { order } = checked;
    const instant = INSTANT_PROVIDERS.has(checked.provider);
    // What the refund puts back into stock: done already (instant), or once the provider confirms it.
    const restock = instant ? returnedNow : checked.restock.length > 0 ? { units: checked.restock, state: 'WAITING' as const } : null;
    await insertRefund(
      tx,
      { id: refundId, orderId: order.id, amountFen: amount.fen, currency: amount.currency, reason, provider: checked.provider, providerRefundNo: null, idempotencyKey: input.idempotencyKey, requestedAt: now, restock },
      lines,
    );
    // Nothing is held for the order any more: the settle-reservations job has nothing left to return.
    if (returnedAll) await setReservationState(tx, order.id, 'RETURNED');
    if (instant) await completeRefund(tx, refundId, now, null);
    else {
      await publishRefundRequested(tx, {
        refundId,
        orderId: order.id,
        brandId: order.brandId,
        provider: checked.provider,
        providerTransactionId: order.providerTransactionId,
        amountFen: amount.fen,
        paidFen: order.paidFen,
        currency: amount.currency,
        reason,
        requestedAt: now,
      });
    }
    return { orderId: order.id, refundId };
  });
  const [order] = await ordersByIds(ctx.db, ctx.scope, [response.orderId]);
  const refund = await refundById(ctx.db, response.refundId);
  if (!order || !refund) throw new Error(`refund ${response.refundId} of order ${response.orderId} is gone`);
  return { order, refund, userErrors: [] };
}

/**
 * Puts the reserved units of the refunded lines back into the store's stock (products releaseStock RETURN): the
 * whole reservation for a refund in full, else the lines (partial return). Keyed by this refund's request, so a
 * retry after a failed transaction returns nothing twice. A reservation already ended (returned, expired) has
 * nothing left to return. True when products took the units back (or had nothing left to hold).
 */
async function returnStock(ctx: OrdersContext, checked: CheckedRefund, reservationId: string, idempotencyKey: string): Promise<boolean> {
  // The whole reservation ends under the order's own key (docs/events.md, "Stock of an order"), a partial return
  // under this refund request's.
  const key = checked.fullRefund
    ? releaseKey(checked.order.id, 'RETURN')
    : `refund-${crypto.createHash('sha256').update(JSON.stringify([checked.order.id, scopeKey(ctx.scope), idempotencyKey])).digest('hex')}`;
  const answer = await releaseStock(ctx.peers, { idempotencyKey: key, reservationId, outcome: 'RETURN', ...(checked.fullRefund ? {} : { lines: checked.restock }) });
  const refused = answer.userErrors.filter((e) => e.code !== 'RESERVATION_EXPIRED');
  if (refused.length > 0) ctx.logger.warn({ orderId: checked.order.id, userErrors: refused }, 'products did not return the refunded stock');
  return refused.length === 0;
}
