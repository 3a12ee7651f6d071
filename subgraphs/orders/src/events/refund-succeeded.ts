import { newId, type Transaction } from '@retail/platform';
import { refundableFen } from '../domain/refund-rules';
import type { PaymentProvider } from '../model';
import { orderForRefund, insertRefund, refundToConfirm } from '../repo/refunds';
import { completeRefund } from './refund-completion';

/** What orders needs of a channels.refund.succeeded payload (docs/events.md); other fields are ignored. */
export interface RefundSucceededPayload {
  provider: string;
  orderId: string;
  providerRefundNo: string;
  amountFen: number;
  currency: string;
  refundedAt: string;
  /** Our refund id (the out_refund_no channels sent), when channels names it. */
  refundId?: string | null;
  [other: string]: unknown;
}

const PROVIDERS = new Set(['ALIPAY', 'WECHAT_PAY']);

/**
 * channels.refund.succeeded: the provider confirmed a refund. The PENDING refund it answers (by our refund id when
 * named, else by order, provider and amount) becomes SUCCEEDED, with the order, its split and orders.order.refunded
 * (completeRefund). A refund made at the provider directly (none PENDING matches) is recorded as it happened when it
 * fits what is still refundable; one that confirmed already, or does not fit, changes nothing. Runs in the
 * consumer's transaction with its dedupe row.
 */
export async function applyRefundSucceeded(tx: Transaction, payload: RefundSucceededPayload): Promise<void> {
  const { orderId, provider, providerRefundNo, amountFen, currency, refundedAt } = payload;
  if (!orderId || !PROVIDERS.has(provider) || !providerRefundNo || !Number.isSafeInteger(amountFen) || amountFen <= 0 || !currency || !refundedAt || Number.isNaN(Date.parse(refundedAt))) {
    throw new Error('channels.refund.succeeded payload needs orderId, provider (ALIPAY, WECHAT_PAY), providerRefundNo, amountFen > 0, currency and refundedAt');
  }
  const at = new Date(refundedAt).toISOString();
  const order = await orderForRefund(tx, { kind: 'platform' }, orderId, true);
  if (!order || order.currency !== currency) return;
  const match = await refundToConfirm(tx, { orderId, provider, providerRefundNo, amountFen, refundId: payload.refundId ?? null });
  if (match) {
    if (match.status === 'PENDING') await completeRefund(tx, match.id, at, providerRefundNo);
    return;
  }
  if (amountFen > refundableFen(order)) return;
  const id = newId('rfd');
  await insertRefund(tx, { id, orderId, amountFen, currency, reason: 'refunded at the payment provider', provider: provider as PaymentProvider, providerRefundNo, idempotencyKey: null, requestedAt: at }, []);
  await completeRefund(tx, id, at, providerRefundNo);
}
