import { badUserInput } from '@retail/platform';

// The exchange's pure rules (积分异业兑换): the rate, the quote's lifetime, the statement's period.

/** How long a quote locks the agreement's rate (the contract: 60 seconds). */
export const QUOTE_VALID_SECONDS = 60;

/** The largest rate term, minimum and daily limit an agreement takes. */
export const MAX_AGREEMENT_POINTS = 10_000_000;

/** toBrand points for fromPoints at rateFrom:rateTo, rounded down (the member never gets a fraction of a point). Exact in integers. */
export function pointsAtRate(fromPoints: number, rateFrom: number, rateTo: number): number {
  return Number((BigInt(fromPoints) * BigInt(rateTo)) / BigInt(rateFrom));
}

/** The longest period a statement covers: a little over a year. */
const MAX_PERIOD_MS = 367 * 86_400_000;

/** A statement's period from its argument: BAD_USER_INPUT (a query argument) unless from < to and it spans at most 367 days. */
export function periodOf(arg: { from: Date | string; to: Date | string }): { from: Date; to: Date } {
  const from = new Date(arg.from);
  const to = new Date(arg.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badUserInput('period: from and to must be date-times', ['period']);
  if (from.getTime() >= to.getTime()) throw badUserInput('period: from must be before to (the period is [from, to))', ['period']);
  if (to.getTime() - from.getTime() > MAX_PERIOD_MS) throw badUserInput('period: at most 367 days', ['period']);
  return { from, to };
}
