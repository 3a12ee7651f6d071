import { badUserInput } from '@retail/platform';

// The periods KPIs and settlements are asked for (PeriodInput): half-open [from, to).

/** The longest period a KPI or settlement covers: a little over a year, so a yearly report fits and no scan is unbounded. */
export const MAX_PERIOD_DAYS = 367;

export interface Period {
  from: Date;
  to: Date;
}

/** The PeriodInput as given (the DateTime scalar hands Dates over; strings are accepted for internal callers). */
export interface PeriodArg {
  from: Date | string;
  to: Date | string;
}

/**
 * A period from its argument: BAD_USER_INPUT (a query argument, not a mutation's input) unless from < to and it
 * spans at most MAX_PERIOD_DAYS.
 */
export function periodOf(arg: PeriodArg, field = 'period'): Period {
  const from = arg.from instanceof Date ? arg.from : new Date(arg.from);
  const to = arg.to instanceof Date ? arg.to : new Date(arg.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badUserInput(`${field}: from and to must be date-times`, [field]);
  if (from.getTime() >= to.getTime()) throw badUserInput(`${field}: from must be before to (the period is [from, to))`, [field]);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw badUserInput(`${field}: at most ${MAX_PERIOD_DAYS} days`, [field]);
  return { from, to };
}

/** A stable key of a period, for loaders that batch many parents asking for the same period. */
export function periodKey(p: Period): string {
  return `${p.from.toISOString()}/${p.to.toISOString()}`;
}

/** Whether an instant falls in the half-open period. */
export function inPeriod(at: Date, p: Period): boolean {
  return at.getTime() >= p.from.getTime() && at.getTime() < p.to.getTime();
}

/** A rate with its parts (the graph's Ratio), so rates of several stores can be combined. */
export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  rate: number | null;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}
