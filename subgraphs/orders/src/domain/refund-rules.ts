import { UserErrorException, InputCheck, type UserErrorCode } from '@retail/platform';
import type { RestockUnits } from '../model';

// Refunds (退款) of an order: which orders may be refunded, how much, which lines, and the order's status after a
// refund succeeded (the contract's OrderStatus descriptions).

/** Order statuses a refund may be asked for: paid and not refunded in full yet. */
export const REFUNDABLE_STATUSES: ReadonlySet<string> = new Set(['PAID', 'READY_FOR_PICKUP', 'COMPLETED', 'PARTIALLY_REFUNDED']);

/** The money side of an order a refund is checked against, in fen. */
export interface RefundBalance {
  paidFen: number;
  /** SUCCEEDED refunds. */
  refundedFen: number;
  /** PENDING refunds: already promised to the member, so they count against what may still be refunded. */
  pendingFen: number;
}

/** What may still be refunded: paid less what is refunded or on its way back. */
export function refundableFen(b: RefundBalance): number {
  return Math.max(0, b.paidFen - b.refundedFen - b.pendingFen);
}

/** REFUND_EXCEEDS_PAID when `amountFen` is more than what may still be refunded; INVALID_INPUT for a non-positive amount. */
export function assertRefundAmount(amountFen: number, b: RefundBalance): void {
  const field = ['input', 'amount', 'amount'];
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw UserErrorException.of('INVALID_INPUT', 'a refund must be more than 0', field);
  const left = refundableFen(b);
  if (amountFen > left) {
    throw UserErrorException.of('REFUND_EXCEEDS_PAID', `at most ${(left / 100).toFixed(2)} may still be refunded (paid ${(b.paidFen / 100).toFixed(2)}, refunded or pending ${((b.refundedFen + b.pendingFen) / 100).toFixed(2)})`, field);
  }
}

/** INVALID_TRANSITION unless the order is in a status that may be refunded. */
export function assertRefundableStatus(status: string): void {
  if (!REFUNDABLE_STATUSES.has(status)) throw UserErrorException.of('INVALID_TRANSITION', `an order in status ${status} cannot be refunded`, ['input', 'orderId']);
}

/** An order line as a refund sees it. */
export interface RefundableLine {
  id: string;
  skuId: string | null;
  quantity: number;
  /** Units refunded by SUCCEEDED or PENDING refunds so far. */
  refundedQuantity: number;
}

/** A returned line as asked for. */
export interface RefundLineRequest {
  lineId: string;
  quantity: number;
  restock: boolean;
}

/**
 * Checks the returned lines against the order: each line of the order at most once, 1 ≤ quantity ≤ ordered −
 * refunded. Every fault is reported with its field path.
 */
export function checkRefundLines(requested: readonly RefundLineRequest[], lines: readonly RefundableLine[]): void {
  const check = new InputCheck();
  const byId = new Map(lines.map((l) => [l.id, l]));
  const seen = new Set<string>();
  requested.forEach((r, i) => {
    const field = ['input', 'lines', String(i)];
    const line = byId.get(r.lineId);
    if (!line) return check.fail([...field, 'lineId'], `line ${r.lineId} is not a line of this order`, 'NOT_FOUND' satisfies UserErrorCode);
    if (seen.has(r.lineId)) return check.fail([...field, 'lineId'], `line ${r.lineId} is named twice`);
    seen.add(r.lineId);
    const left = line.quantity - line.refundedQuantity;
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 1 || r.quantity > left) {
      check.fail([...field, 'quantity'], `quantity must be 1 to ${left} (ordered ${line.quantity}, refunded ${line.refundedQuantity})`);
    }
  });
  check.done();
}

/**
 * The order's status once a refund has SUCCEEDED: refunded in full before fulfilment (not delivered, not collected)
 * → CANCELLED; in full after → REFUNDED; in part → PARTIALLY_REFUNDED.
 */
export function statusAfterRefund(paidFen: number, refundedFen: number, fulfilled: boolean): 'CANCELLED' | 'REFUNDED' | 'PARTIALLY_REFUNDED' {
  if (refundedFen < paidFen) return 'PARTIALLY_REFUNDED';
  return fulfilled ? 'REFUNDED' : 'CANCELLED';
}

/** A reserved SKU quantity to put back into the store's stock. */
export type RestockLine = RestockUnits;

/**
 * The stock a refund returns to the store: only for a store-pickup order whose goods are still reserved (not
 * collected), the refunded lines asked to be restocked; a refund in full returns every unit still reserved (the
 * order is cancelled, so nothing stays held for it). Lines without a SKU (channel lines) hold no stock.
 */
export function restockLines(args: {
  pickupUncollected: boolean;
  fullRefund: boolean;
  requested: readonly RefundLineRequest[];
  lines: readonly RefundableLine[];
}): RestockLine[] {
  if (!args.pickupUncollected) return [];
  const byId = new Map(args.lines.map((l) => [l.id, l]));
  const qty = new Map<string, number>();
  const add = (skuId: string | null, n: number) => {
    if (skuId && n > 0) qty.set(skuId, (qty.get(skuId) ?? 0) + n);
  };
  if (args.fullRefund) {
    for (const l of args.lines) add(l.skuId, l.quantity - l.refundedQuantity);
  } else {
    for (const r of args.requested) if (r.restock) add(byId.get(r.lineId)?.skuId ?? null, r.quantity);
  }
  return [...qty].map(([skuId, quantity]) => ({ skuId, quantity })).sort((a, b) => a.skuId.localeCompare(b.skuId));
}
