import { findIdempotent, graphqlError, idempotent, scopeKey, userError, UserErrorException, type UserError } from '@retail/platform';
import { collectable } from '../domain/order-status';
import { MAX_WRONG_CODES, PICKUP_LOCK_MINUTES, pickupCodeMatches, STORE_WRONG_CODE_LIMIT, STORE_WRONG_CODE_WINDOW_MINUTES } from '../domain/pickup-code';
import { publishOrderCompleted } from '../events/publishes';
import type { OrdersContext } from '../loaders';
import type { OrderRecord, OrderState, ReservationState } from '../model';
import { returnRefundUnits } from '../jobs/return-refunded-stock';
import { releaseKey, releaseStock } from '../peers';
import { clearExpiredLock, countWrongCode, lockOrder, markPickedUp, ordersByIds, orderState, recentWrongCodesAtStore } from '../repo/orders';
import { restocksNotReturned } from '../repo/refunds';

export interface ConfirmPickupInput {
  idempotencyKey: string;
  orderId: string;
  pickupCode: string;
}

/** What a confirmPickup under one key answered (stored with the key, so a replay answers the same). */
interface Answer {
  orderId: string;
  userErrors: UserError[];
}

const OPERATION = 'confirmPickup';

function refuseUnlessCollectable(order: OrderState | null): asserts order is OrderState {
  if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
  if (!collectable(order.status, order.fulfillmentType, order.pickedUp)) {
    throw UserErrorException.of('INVALID_TRANSITION', `an order that is ${order.status} cannot be collected`, ['input', 'orderId']);
  }
}

/** A locked order refuses every code until its lock runs out (checked again under the row lock: parallel attempts). */
function refuseIfLocked(order: OrderState): void {
  if (order.locked) {
    throw UserErrorException.forbidden(`the order is locked after ${MAX_WRONG_CODES} wrong pickup codes until ${order.lockedUntil}; ask the member to try later`, ['input', 'pickupCode']);
  }
}

/**
 * confirmPickup (核销): the pickup store's staff (or its operator, the brand, the platform) checks the member's code
 * (in constant time) and hands over the goods. A wrong code is INVALID_PICKUP_CODE and counts (the count is kept:
 * the attempt is committed, with its key); the MAX_WRONG_CODES-th wrong code in a row locks the order for
 * PICKUP_LOCK_MINUTES, and a store entering more than STORE_WRONG_CODE_LIMIT wrong codes within
 * STORE_WRONG_CODE_WINDOW_MINUTES is refused for a while (both FORBIDDEN, saying why).
 *
 * Stock (docs/events.md, "Stock of an order"): with the right code, the reservation is CONSUMED at products first,
 * under a key that is the order's (peers.ts releaseKey), then the order is written COMPLETED in one transaction with
 * orders.order.completed. A crash or a failed write in between leaves the units consumed and the order waiting; any
 * retry (this key or another) consumes under the same products key, which products replays, and completes the order:
 * nothing is consumed twice and no collected order keeps its units held. A failed call to products writes nothing.
 * Units of a refund still waiting for its provider (an online refund's units stay reserved until it succeeds) are not
 * handed over: they go back into stock first, under the refund's own key (return-refunded-stock.ts).
 */
export async function confirmPickup(ctx: OrdersContext, input: ConfirmPickupInput): Promise<{ order: OrderRecord | null; userErrors: UserError[] }> {
  const { scope } = ctx;
  if (scope.kind !== 'platform' && scope.kind !== 'brand' && scope.kind !== 'franchisee' && scope.kind !== 'store') {
    throw UserErrorException.forbidden('the pickup store, its operator or the brand confirms a pickup');
  }
  const { idempotencyKey, ...request } = input;
  const call = { schema: 'orders', scope: scopeKey(scope), operation: OPERATION, key: idempotencyKey, request };
  const earlier = await findIdempotent<Answer>(ctx.db, call);
  if (earlier) return answer(ctx, earlier.response);

  const seen = await orderState(ctx.db, scope, input.orderId);
  refuseUnlessCollectable(seen);
  const storeId = seen.pickupStoreId!;
  refuseIfLocked(seen);
  if ((await recentWrongCodesAtStore(ctx.db, storeId, STORE_WRONG_CODE_WINDOW_MINUTES)) >= STORE_WRONG_CODE_LIMIT) {
    throw UserErrorException.forbidden(`too many wrong pickup codes at this store in the last ${STORE_WRONG_CODE_WINDOW_MINUTES} minutes; try again later`, ['input', 'pickupCode']);
  }
  // Sales at the till have no code; every order that can be collected here has one.
  const right = seen.pickupCode !== null && pickupCodeMatches(input.pickupCode, seen.pickupCode);

  if (!right) {
    const { response } = await idempotent<Answer>(ctx.db, call, async (tx) => {
      const order = await lockOrder(tx, scope, input.orderId);
      refuseUnlessCollectable(order);
      refuseIfLocked(order);
      await clearExpiredLock(tx, order.id);
      const { attempts, locked } = await countWrongCode(tx, order.id, storeId, MAX_WRONG_CODES, PICKUP_LOCK_MINUTES);
      const message = locked
        ? `wrong pickup code; after ${attempts} wrong codes the order is locked for ${PICKUP_LOCK_MINUTES} minutes`
        : `wrong pickup code (${attempts} of ${MAX_WRONG_CODES} before the order is locked)`;
      return { orderId: order.id, userErrors: [userError('INVALID_PICKUP_CODE', message, ['input', 'pickupCode'])] };
    });
    return answer(ctx, response);
  }

  let reservationState: ReservationState | null = null;
  if (seen.reservationId && seen.reservationState === 'HELD') {
    const deps = { db: ctx.db, peers: ctx.peers, logger: ctx.logger };
    for (const r of await restocksNotReturned(ctx.db, seen.id)) {
      // products unreachable: nothing is handed over yet (as when the CONSUME below fails); the staff tries again.
      if ((await returnRefundUnits(deps, r)) === null) throw graphqlError('SERVICE_UNAVAILABLE', 'products could not take back the units of a pending refund; try again', { retryable: true });
    }
    const consumed = await releaseStock(ctx.peers, { idempotencyKey: releaseKey(seen.id, 'CONSUME'), reservationId: seen.reservationId, outcome: 'CONSUME' });
    // A reservation products ended by itself (expired, units back on the shelf count) does not keep the member
    // from the goods in front of them; the store corrects its stock (adjustStock).
    if (consumed.userErrors.length > 0) ctx.logger.warn({ orderId: seen.id, userErrors: consumed.userErrors }, 'collected an order whose reservation had ended');
    reservationState = consumed.userErrors.length > 0 ? 'EXPIRED' : 'CONSUMED';
  }
  const { response } = await idempotent<Answer>(ctx.db, call, async (tx) => {
    const order = await lockOrder(tx, scope, input.orderId);
    if (order?.pickedUp) return { orderId: order.id, userErrors: [] };
    refuseUnlessCollectable(order);
    const completedAt = await markPickedUp(tx, order.id, reservationState);
    await publishOrderCompleted(tx, order, completedAt);
    return { orderId: order.id, userErrors: [] };
  });
  return answer(ctx, response);
}

async function answer(ctx: OrdersContext, a: Answer): Promise<{ order: OrderRecord | null; userErrors: UserError[] }> {
  if (a.userErrors.length > 0) return { order: null, userErrors: a.userErrors };
  const [order] = await ordersByIds(ctx.db, ctx.scope, [a.orderId]);
  return { order: order ?? null, userErrors: [] };
}
