import type { EarningRule } from '../model';

// The brand's earning rule applied to amounts (pure; docs/events.md: orders.order.paid, orders.order.refunded).

/** 1× in permille. */
const ONE = 1000n;

/**
 * Points a payment earns: paidFen / 100 yuan × pointsPerYuan × the tier's multiplier (permille; 1× for a tier the
 * rule does not list, or no tier), rounded down. Exact in integers (BigInt), whatever the amount.
 */
export function pointsForPayment(rule: EarningRule, paidFen: number, tierCode: string | null): number {
  const permille = tierCode !== null && Number.isInteger(rule.tierMultipliers[tierCode]) ? BigInt(rule.tierMultipliers[tierCode]!) : ONE;
  return Number((BigInt(paidFen) * BigInt(rule.pointsPerYuan) * permille) / (100n * ONE));
}

/** What the refunds of an order so far should have taken back of what it earned. */
export interface RefundShare {
  earned: number;
  paidFen: number;
  /** All refunds of the order so far (the event's refundedFen). */
  refundedFen: number;
  fullyRefunded: boolean;
}

/**
 * Points to take back now: the share of the refunds so far (earned × refundedFen / paidFen, rounded down; all of it
 * once fully refunded) less what earlier refunds took back or found spent. Cumulative, so rounding never drifts
 * and refunds applied out of order take back the same in total; never negative, never more than was earned.
 */
export function pointsToTakeBack(share: RefundShare, alreadySettled: number): number {
  const target =
    share.fullyRefunded || share.paidFen <= 0
      ? share.earned
      : Number((BigInt(share.earned) * BigInt(Math.min(share.refundedFen, share.paidFen))) / BigInt(share.paidFen));
  return Math.max(0, Math.min(share.earned, target) - alreadySettled);
}
