import { formatMoney } from '@retail/platform';
import type { RefundRecord } from '../model';

/** A refund of an order (the order was fenced already). */
export const Refund = {
  amount: (r: RefundRecord) => formatMoney(r.amountFen, r.currency),
  restock: (r: RefundRecord) =>
    r.restock && r.restockState
      ? { lines: r.restock.map((l) => ({ sku: { __typename: 'Sku', id: l.skuId }, quantity: l.quantity })), state: r.restockState }
      : null,
};
