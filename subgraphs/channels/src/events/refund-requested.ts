import type { Transaction } from '@retail/platform';
import { recordRefundRequest, type RefundRequest } from '../repo/outbound-refunds';

const PROVIDERS = new Set(['ALIPAY', 'WECHAT_PAY']);

/**
 * orders.refund.requested (docs/events.md, Refunds): records the refund to send; the send-refunds job sends it
 * (never a provider call inside the consumer's transaction, docs/architecture.md §8). The same refund id again
 * records nothing. A payload without what a refund needs is refused (thrown: redelivered and reported).
 */
export async function applyRefundRequested(tx: Transaction, payload: unknown): Promise<void> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  const fen = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null);
  const refundId = text(p.refundId);
  const orderId = text(p.orderId);
  const brandId = text(p.brandId);
  const currency = text(p.currency);
  const requestedAt = text(p.requestedAt);
  const amountFen = fen(p.amountFen);
  const paidFen = fen(p.paidFen);
  if (!refundId || !orderId || !brandId || !currency || !requestedAt || Number.isNaN(Date.parse(requestedAt)) || amountFen === null || paidFen === null || amountFen > paidFen || typeof p.provider !== 'string' || !PROVIDERS.has(p.provider)) {
    throw new Error('orders.refund.requested payload needs refundId, orderId, brandId, provider (ALIPAY, WECHAT_PAY), amountFen > 0 up to paidFen, paidFen, currency and requestedAt');
  }
  const request: RefundRequest = {
    refundId,
    orderId,
    brandId,
    provider: p.provider as RefundRequest['provider'],
    providerTransactionId: text(p.providerTransactionId),
    amountFen,
    paidFen,
    currency,
    reason: text(p.reason),
    requestedAt,
  };
  await recordRefundRequest(tx, request);
}
