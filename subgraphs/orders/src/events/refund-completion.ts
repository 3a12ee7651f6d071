import type { Transaction } from '@retail/platform';
import { statusAfterRefund } from '../domain/refund-rules';
import type { RefundRecord } from '../model';
import { addRefundedToOrder, markRefundSucceeded } from '../repo/refunds';
import { bookRefundSplit } from '../repo/splits';
import { publishOrderRefunded } from './publishes';

/**
 * A refund SUCCEEDED (CASH at the till at once; an online one when channels.refund.succeeded arrives; a channel's
 * own refund): in the caller's transaction, the refund is marked, the order's refunded total and status follow
 * (statusAfterRefund), the negative split is booked in the completion's period, and orders.order.refunded is
 * appended to the outbox (not for the demo seed, `publish: false`, whose orders were never published either). Null
 * when the refund was not PENDING (completed already: nothing happens twice).
 */
export async function completeRefund(tx: Transaction, refundId: string, completedAt: string, providerRefundNo: string | null, publish = true): Promise<RefundRecord | null> {
  const refund = await markRefundSucceeded(tx, refundId, completedAt, providerRefundNo);
  if (!refund || !refund.completedAt) return null;
  const order = await addRefundedToOrder(tx, refund.orderId, refund.amountFen, statusAfterRefund);
  const refundedBeforeFen = order.refundedFen - refund.amountFen;
  await bookRefundSplit(tx, { id: refund.id, orderId: refund.orderId, amountFen: refund.amountFen, completedAt: refund.completedAt }, refundedBeforeFen);
  if (publish) await publishOrderRefunded(tx, {
    orderId: order.id,
    refundId: refund.id,
    brandId: order.brandId,
    storeId: order.storeId,
    memberId: order.memberId,
    amountFen: refund.amountFen,
    refundedFen: order.refundedFen,
    paidFen: order.paidFen,
    currency: order.currency,
    fullyRefunded: order.refundedFen >= order.paidFen,
    refundedAt: refund.completedAt,
  });
  return refund;
}
