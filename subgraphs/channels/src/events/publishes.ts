import { appendAllToOutbox, appendToOutbox, type Transaction } from '@retail/platform';
import type { PaymentFacts } from '../model';

// What channels publishes (docs/events.md, channels): appended to the outbox inside the transaction that stores the
// inbound event, so an event exists if and only if its inbound event was accepted (docs/architecture.md §6).

export const PAYMENT_SUCCEEDED = 'channels.payment.succeeded';
export const REFUND_SUCCEEDED = 'channels.refund.succeeded';
export const REFUND_FAILED = 'channels.refund.failed';
export const ORDER_UPSERTED = 'channels.order.upserted';
export const PUBLISHES: readonly string[] = [PAYMENT_SUCCEEDED, ORDER_UPSERTED, REFUND_SUCCEEDED, REFUND_FAILED];

const SCHEMA = 'channels';

/** channels.payment.succeeded: a provider confirmed a payment for an order (key: the order id). */
export async function publishPaymentSucceeded(tx: Transaction, eventId: string, connectionId: string, payment: PaymentFacts): Promise<void> {
  await appendToOutbox(tx, SCHEMA, {
    topic: PAYMENT_SUCCEEDED,
    key: payment.orderId,
    payload: { eventId, connectionId, ...payment },
  });
}

/** channels.refund.succeeded (docs/events.md): a provider confirmed a refund orders asked for (key: the order id). */
export interface RefundSucceededPayload {
  eventId: string;
  connectionId: string;
  provider: 'ALIPAY' | 'WECHAT_PAY';
  orderId: string;
  providerRefundNo: string;
  amountFen: number;
  currency: string;
  refundedAt: string;
  /** orders' refund id from orders.refund.requested (the out_refund_no we sent). */
  refundId: string;
}

export async function publishRefundSucceeded(tx: Transaction, payload: RefundSucceededPayload): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: REFUND_SUCCEEDED, key: payload.orderId, payload });
}

/** channels.refund.failed (docs/events.md): the provider refused a refund orders asked for, for good (key: the order id). */
export interface RefundFailedPayload {
  eventId: string;
  connectionId: string | null;
  provider: 'ALIPAY' | 'WECHAT_PAY';
  orderId: string;
  refundId: string;
  reason: string;
  failedAt: string;
}

export async function publishRefundFailed(tx: Transaction, payload: RefundFailedPayload): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: REFUND_FAILED, key: payload.orderId, payload });
}

/**
 * channels.order.upserted, one per Tmall or JD order record a pull stored (key: `<channel>:<externalOrderId>`,
 * docs/events.md), in one statement and in the order given.
 */
export async function publishOrdersUpserted(tx: Transaction, events: readonly { key: string; payload: Record<string, unknown> }[]): Promise<void> {
  await appendAllToOutbox(tx, SCHEMA, events.map(({ key, payload }) => ({ topic: ORDER_UPSERTED, key, payload })));
}
