// 分账 settlement of an operator (加盟商/联营商) over a period, computed only from the split rows booked in it
// (a sale when the order was paid, a negative row when a refund succeeded), so a closed period always gives the
// same statement: a later refund books in its own period.

export type SplitKind = 'SALE' | 'REFUND';

/** Booked split rows of one kind, summed, in fen (REFUND rows are negative). */
export interface SplitSum {
  kind: SplitKind;
  /** How many rows were summed. */
  rows: number;
  grossFen: number;
  commissionFen: number;
  operatorNetFen: number;
}

/** An operator's statement for a period, in fen. */
export interface SettlementTotals {
  /** Sales booked in the period (paid orders). */
  grossFen: number;
  /** Refunds booked in the period, as a positive amount. */
  refundsFen: number;
  /** The brand's commission: on the sales less what the refunds gave back. */
  commissionFen: number;
  /** What the operator is owed: gross − refunds − commission (the sum of the operator's side of every row). */
  netOwedFen: number;
  /** Sale rows in the period. */
  orders: number;
}

/** The statement from the period's rows (one SplitSum per row, or per kind: sums add up the same). */
export function settlementTotals(sums: readonly SplitSum[]): SettlementTotals {
  const t: SettlementTotals = { grossFen: 0, refundsFen: 0, commissionFen: 0, netOwedFen: 0, orders: 0 };
  for (const r of sums) {
    if (r.kind === 'SALE') {
      t.grossFen += r.grossFen;
      t.orders += r.rows;
    } else t.refundsFen -= r.grossFen;
    t.commissionFen += r.commissionFen;
    t.netOwedFen += r.operatorNetFen;
  }
  return t;
}
