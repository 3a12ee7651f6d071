import type { Transaction } from '@retail/platform';
import type { RefundNotice } from '../model';
import { markRefundRefused, markRefundSucceeded, outboundRefundById } from '../repo/outbound-refunds';
import { publishRefundFailed, publishRefundSucceeded } from './publishes';

/** A provider's confirmation of a refund we sent (its answer, a query, or its refund notification). */
export interface RefundConfirmation {
  refundId: string;
  orderId: string;
  connectionId: string;
  provider: 'ALIPAY' | 'WECHAT_PAY';
  providerRefundNo: string;
  amountFen: number;
  currency: string;
  refundedAt: string;
}

/**
 * Marks the outbound refund SUCCEEDED and appends channels.refund.succeeded in the caller's transaction, once
 * whichever confirmation comes first (the send-refunds job's answer, or a provider's refund notification applied by
 * the callback route): false when it was settled already.
 */
export async function settleRefund(tx: Transaction, c: RefundConfirmation): Promise<boolean> {
  if (!(await markRefundSucceeded(tx, { refundId: c.refundId, connectionId: c.connectionId, providerRefundNo: c.providerRefundNo, refundedAt: c.refundedAt }))) return false;
  await publishRefundSucceeded(tx, {
    eventId: `refund:${c.refundId}`,
    connectionId: c.connectionId,
    provider: c.provider,
    orderId: c.orderId,
    providerRefundNo: c.providerRefundNo,
    amountFen: c.amountFen,
    currency: c.currency,
    refundedAt: c.refundedAt,
    refundId: c.refundId,
  });
  return true;
}

/** A provider's refusal of a refund we sent, for good (its answer to the send, or its refund notification). */
export interface RefundRefusal {
  refundId: string;
  /** The send-refunds run's lease; null when the provider's notification says so (whoever holds the lease). */
  leaseId: string | null;
  connectionId: string | null;
  reason: string;
}

/**
 * Marks the outbound refund REFUSED with the reason and appends channels.refund.failed in the caller's transaction,
 * once whichever refusal comes first (docs/events.md, Refunds): false when it was settled already (or, for the job,
 * when its lease was lost).
 */
export async function refuseRefund(tx: Transaction, r: RefundRefusal): Promise<boolean> {
  const refused = await markRefundRefused(tx, r);
  if (!refused) return false;
  await publishRefundFailed(tx, {
    eventId: `refund-failed:${refused.refundId}`,
    connectionId: refused.connectionId,
    provider: refused.provider,
    orderId: refused.orderId,
    refundId: refused.refundId,
    reason: r.reason,
    failedAt: refused.refusedAt,
  });
  return true;
}

/**
 * A provider's verified refund notification, applied in the transaction that stores it (src/inbound/record-event.ts):
 * SUCCESS settles the refund channels sent (settleRefund), CLOSED and ABNORMAL refuse it (refuseRefund); each once,
 * whoever comes first of the notification and the send-refunds job. A refund channels never sent changes nothing.
 */
export async function applyRefundNotice(tx: Transaction, connectionId: string, notice: RefundNotice): Promise<void> {
  const sent = await outboundRefundById(tx, notice.refundId);
  if (!sent || sent.orderId !== notice.orderId || sent.amountFen !== notice.amountFen) return;
  if (notice.status === 'SUCCESS') {
    await settleRefund(tx, {
      refundId: sent.refundId,
      orderId: sent.orderId,
      connectionId,
      provider: notice.provider,
      providerRefundNo: notice.providerRefundNo,
      amountFen: sent.amountFen,
      currency: sent.currency,
      refundedAt: notice.refundedAt ?? new Date().toISOString(),
    });
    return;
  }
  await refuseRefund(tx, { refundId: sent.refundId, leaseId: null, connectionId, reason: `WeChat Pay refund notification REFUND.${notice.status} (refund_id ${notice.providerRefundNo})` });
}
