import { UserErrorException } from '@retail/platform';

// 分账 (profit sharing): the split of a paid order at an operator's store between the brand (its commission) and the
// operator (franchisee or joint-operation partner), from the operator's commission rate in basis points.

/** 100% in basis points. */
export const FULL_RATE_BP = 10_000;

/** INVALID_INPUT unless the rate is a whole number of basis points from 0 to 10 000 (0% to 100%). */
export function assertCommissionRate(rateBasisPoints: number): void {
  if (!Number.isSafeInteger(rateBasisPoints) || rateBasisPoints < 0 || rateBasisPoints > FULL_RATE_BP) {
    throw UserErrorException.of('INVALID_INPUT', 'rateBasisPoints must be a whole number from 0 to 10000 (0% to 100%)', ['input', 'rateBasisPoints']);
  }
}

/**
 * The brand's commission on `grossFen` at `rateBasisPoints`, in whole fen, rounded half up (half away from zero for
 * a negative amount): 12 345 fen at 1 250 bp = 1 543.125 → 1 543; 12 340 fen at 1 250 bp = 1 542.5 → 1 543.
 * Integer arithmetic only, so no float ever decides a fen.
 */
export function commissionFen(grossFen: number, rateBasisPoints: number): number {
  if (!Number.isSafeInteger(grossFen)) throw new Error(`gross must be whole fen (got ${grossFen})`);
  assertCommissionRate(rateBasisPoints);
  const sign = grossFen < 0 ? -1 : 1;
  const product = Math.abs(grossFen) * rateBasisPoints;
  if (!Number.isSafeInteger(product)) throw new Error('amount too large for a commission');
  return sign * Math.floor((product + FULL_RATE_BP / 2) / FULL_RATE_BP);
}

/** One side of the split, in fen: gross = commission + operatorNet, always exactly. */
export interface SplitAmounts {
  grossFen: number;
  commissionFen: number;
  operatorNetFen: number;
}

/** The split of a paid order: the brand keeps the commission, the operator the rest. */
export function splitOfSale(grossFen: number, rateBasisPoints: number): SplitAmounts {
  const commission = commissionFen(grossFen, rateBasisPoints);
  return { grossFen, commissionFen: commission, operatorNetFen: grossFen - commission };
}

/**
 * The (negative) split of a refund of `amountFen` after `refundedBeforeFen` had been refunded already. The
 * commission given back is the difference of the cumulative commissions, so however an order is refunded in parts,
 * a refund in full gives back exactly the commission its sale booked (no fen left over by rounding each part).
 */
export function splitOfRefund(saleGrossFen: number, rateBasisPoints: number, refundedBeforeFen: number, amountFen: number): SplitAmounts {
  if (amountFen <= 0 || refundedBeforeFen < 0 || refundedBeforeFen + amountFen > saleGrossFen) {
    throw new Error(`refund of ${amountFen} after ${refundedBeforeFen} does not fit a sale of ${saleGrossFen}`);
  }
  const before = commissionFen(refundedBeforeFen, rateBasisPoints);
  const after = commissionFen(refundedBeforeFen + amountFen, rateBasisPoints);
  const commission = -(after - before);
  return { grossFen: -amountFen, commissionFen: commission, operatorNetFen: -amountFen - commission };
}
