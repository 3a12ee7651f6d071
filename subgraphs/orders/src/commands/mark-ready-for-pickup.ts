import { UserErrorException } from '@retail/platform';
import { assertTransition } from '../domain/order-status';
import type { OrdersContext } from '../loaders';
import type { OrderRecord } from '../model';
import { lockOrder, markReady, ordersByIds } from '../repo/orders';

export interface MarkReadyForPickupInput {
  orderId: string;
}

/**
 * markReadyForPickup (待自提): a paid store-pickup order is packed and waits at the store. The pickup store's staff, its
 * operator, the brand's admins and the platform (the order's fence: a store reaches the orders of its own store).
 * Marking an order that is already waiting changes nothing, so a retry is harmless without a key.
 */
export async function markReadyForPickup(ctx: OrdersContext, input: MarkReadyForPickupInput): Promise<{ order: OrderRecord }> {
  const { scope } = ctx;
  if (scope.kind !== 'platform' && scope.kind !== 'brand' && scope.kind !== 'franchisee' && scope.kind !== 'store') {
    throw UserErrorException.forbidden('the pickup store, its operator or the brand marks an order ready');
  }
  await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, scope, input.orderId);
    if (!order) throw UserErrorException.notFound('order', ['input', 'orderId']);
    if (order.fulfillmentType !== 'STORE_PICKUP') throw UserErrorException.of('INVALID_TRANSITION', 'only a store-pickup order waits at the store', ['input', 'orderId']);
    if (order.status === 'READY_FOR_PICKUP') return;
    assertTransition(order.status, 'READY_FOR_PICKUP', ['input', 'orderId']);
    await markReady(tx, order.id);
  });
  const [order] = await ordersByIds(ctx.db, scope, [input.orderId]);
  return { order: order! };
}
