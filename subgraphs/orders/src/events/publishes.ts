import { appendToOutbox, type Transaction } from '@retail/platform';
import type { OrderState } from '../model';

// What orders publishes (docs/events.md, orders): each event states the order's facts after the change, appended
// to the outbox inside the command's transaction (docs/architecture.md §6).

export const ORDER_PAID = 'orders.order.paid';
export const ORDER_REFUNDED = 'orders.order.refunded';
export const ORDER_COMPLETED = 'orders.order.completed';
export const REFUND_REQUESTED = 'orders.refund.requested';
export const PUBLISHES: readonly string[] = [ORDER_PAID, ORDER_REFUNDED, ORDER_COMPLETED, REFUND_REQUESTED];

const SCHEMA = 'orders';

/** orders.order.paid: the order as it stands once paid in full (`order` is read after the payment was written). */
export async function publishOrderPaid(tx: Transaction, order: OrderState): Promise<void> {
  await appendToOutbox(tx, SCHEMA, {
    topic: ORDER_PAID,
    key: order.id,
    payload: {
      orderId: order.id,
      brandId: order.brandId,
      storeId: order.storeId,
      franchiseeId: order.franchiseeId,
      memberId: order.memberId,
      guideId: order.guideId,
      channel: order.channel,
      fulfillment: order.fulfillmentType,
      inStore: order.channel === 'POS',
      totalFen: order.totalFen,
      paidFen: order.paidFen,
      currency: order.currency,
      placedAt: order.placedAt,
      paidAt: order.paidAt,
      // The member as placeOrder saw it (not known for a guest or a channel order): points fences balances by home
      // store and earns by tier.
      ...(order.memberTierCode === null ? {} : { memberHomeStoreId: order.memberHomeStoreId, tierCode: order.memberTierCode }),
    },
  });
}

/** orders.order.completed: handed over (核销 at the pickup store, or a sale at the till). */
export async function publishOrderCompleted(tx: Transaction, order: Pick<OrderState, 'id' | 'brandId' | 'storeId' | 'memberId'>, completedAt: string): Promise<void> {
  await appendToOutbox(tx, SCHEMA, {
    topic: ORDER_COMPLETED,
    key: order.id,
    payload: { orderId: order.id, brandId: order.brandId, storeId: order.storeId, memberId: order.memberId, completedAt },
  });
}

/** orders.order.refunded (docs/events.md): one refund SUCCEEDED; the payload is the refund's facts after it. */
export interface OrderRefundedPayload {
  orderId: string;
  refundId: string;
  brandId: string;
  storeId: string | null;
  memberId: string | null;
  amountFen: number;
  refundedFen: number;
  paidFen: number;
  currency: string;
  fullyRefunded: boolean;
  refundedAt: string;
}

export async function publishOrderRefunded(tx: Transaction, payload: OrderRefundedPayload): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: ORDER_REFUNDED, key: payload.orderId, payload });
}

/** orders.refund.requested (docs/events.md): an online refund waits for its provider; channels sends it there. */
export interface RefundRequestedPayload {
  refundId: string;
  orderId: string;
  brandId: string;
  provider: string;
  providerTransactionId: string | null;
  amountFen: number;
  paidFen: number;
  currency: string;
  reason: string | null;
  requestedAt: string;
}

export async function publishRefundRequested(tx: Transaction, payload: RefundRequestedPayload): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: REFUND_REQUESTED, key: payload.orderId, payload });
}
