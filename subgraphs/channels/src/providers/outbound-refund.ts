/** A refund to send to the payment provider (from orders.refund.requested, docs/events.md). */
export interface RefundToSend {
  refundId: string;
  orderId: string;
  /** The payment's trade no at the provider (Alipay trade_no, WeChat Pay transaction_id), when orders knows it. */
  providerTransactionId: string | null;
  amountFen: number;
  /** What the order's payment was (WeChat Pay wants the transaction's total with each refund). */
  paidFen: number;
  currency: string;
  reason: string | null;
}

/** What the provider said of a refund: done, still on its way (ask again later), or refused for good. */
export type RefundOutcome =
  | { kind: 'SUCCEEDED'; providerRefundNo: string; refundedAt: string }
  | { kind: 'PROCESSING'; note: string }
  | { kind: 'REFUSED'; reason: string };

/** Fen as the yuan string providers take: 2500 → "25.00". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new Error(`not an amount in fen: ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
