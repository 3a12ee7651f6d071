import type { Transaction } from '@retail/platform';
import type { PaymentProvider } from '../model';
import { recordPaymentMismatch } from '../repo/orders';
import { takePayment } from './payment-received';

/** The part of a 'channels.payment.succeeded' payload orders needs (docs/events.md). */
export interface PaymentSucceededPayload {
  provider: PaymentProvider;
  orderId: string;
  providerTradeNo: string;
  amountFen: number;
  currency: string;
  paidAt: string;
  [other: string]: unknown;
}

/**
 * channels.payment.succeeded: the payment is taken when it is exactly what the order owes (takePayment); otherwise it
 * is recorded as a mismatch (orders.payment_mismatch, for the refund desk) and the order stays as it was. A second
 * event for the same provider transaction has no second effect. Runs in the consumer's transaction.
 */
export async function applyPaymentSucceeded(tx: Transaction, p: PaymentSucceededPayload): Promise<void> {
  if (!p.orderId || !p.provider || !p.providerTradeNo || !Number.isSafeInteger(p.amountFen) || !p.currency || Number.isNaN(Date.parse(p.paidAt))) {
    throw new Error('channels.payment.succeeded payload needs provider, orderId, providerTradeNo, amountFen, currency and paidAt');
  }
  const payment = { orderId: p.orderId, provider: p.provider, providerTransactionId: p.providerTradeNo, amountFen: p.amountFen, currency: p.currency, paidAt: p.paidAt };
  const outcome = await takePayment(tx, { kind: 'platform' }, payment);
  if (outcome.kind === 'PAID' || outcome.kind === 'DUPLICATE') return;
  const reason = outcome.kind === 'NOT_FOUND' ? 'no such order' : outcome.reason;
  await recordPaymentMismatch(tx, { ...payment, reason });
}
