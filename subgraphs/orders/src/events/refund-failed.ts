import type { Transaction } from '@retail/platform';
import { markRefundFailed } from '../repo/refunds';

/** What orders needs of a channels.refund.failed payload (docs/events.md); other fields are ignored. */
export interface RefundFailedPayload {
  orderId: string;
  refundId: string;
  reason?: string | null;
  failedAt: string;
  [other: string]: unknown;
}

/**
 * channels.refund.failed: the provider refused a refund for good, so no money moved. The PENDING refund becomes
 * FAILED with the provider's reason (Refund.failureReason) and the units it had promised on the order's lines come
 * back; a PENDING refund changed neither the order's status nor its refunded total, and booked no split (those follow
 * only a SUCCEEDED refund, refund-completion.ts), nor put stock back (an online refund's units go back only once it
 * succeeded: they stay reserved for the order), so there is nothing else to restore. A refund no longer PENDING
 * (applied already, or succeeded) changes nothing.
 */
export async function applyRefundFailed(tx: Transaction, payload: RefundFailedPayload): Promise<void> {
  const { orderId, refundId, failedAt } = payload;
  if (typeof orderId !== 'string' || !orderId || typeof refundId !== 'string' || !refundId || typeof failedAt !== 'string' || Number.isNaN(Date.parse(failedAt))) {
    throw new Error('channels.refund.failed payload needs orderId, refundId and failedAt');
  }
  const reason = typeof payload.reason === 'string' && payload.reason.trim() ? payload.reason.trim() : null;
  await markRefundFailed(tx, { orderId, refundId, failedAt: new Date(failedAt).toISOString(), reason });
}
