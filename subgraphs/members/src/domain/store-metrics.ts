import { badUserInput } from '@retail/platform';
import type { RatioRecord } from '../model';

// Store membership metrics (StoreMemberMetrics in schema/members.graphql defines each one): the period they are
// asked for and the rates they are made of.

/** The longest period metrics are computed over: a year, leap day included. */
export const MAX_METRICS_PERIOD_DAYS = 366;

/** How far back a member must have bought nothing to count as dormant (老客) at the period's start. */
export const DORMANT_DAYS = 180;

const DAY_MS = 86_400_000;

export interface MetricsPeriod {
  from: Date;
  to: Date;
}

/** The period [from, to) as asked, refused with BAD_USER_INPUT unless from < to and it spans at most 366 days. */
export function metricsPeriod(period: MetricsPeriod): MetricsPeriod {
  const { from, to } = period;
  if (from.getTime() >= to.getTime()) throw badUserInput('period.from must be before period.to', ['period']);
  if (to.getTime() - from.getTime() > MAX_METRICS_PERIOD_DAYS * DAY_MS) throw badUserInput(`a metrics period spans at most ${MAX_METRICS_PERIOD_DAYS} days`, ['period']);
  return { from, to };
}

/** The start of the dormancy window before the period: DORMANT_DAYS whole days (of 24 h) before `from`. */
export const dormantSince = (from: Date): Date => new Date(from.getTime() - DORMANT_DAYS * DAY_MS);

/** A loader key for a period: metrics of many stores over one period are read together. */
export const periodKey = (p: MetricsPeriod): string => `${p.from.toISOString()}/${p.to.toISOString()}`;

export function ratio(numerator: number, denominator: number): RatioRecord {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}
