import { parseMoneyInput, type InputCheck, type MoneyInput } from '@retail/platform';
import type { TierRecord } from '../model';

// Tier rules (会员等级规则): a member holds the highest-ranked tier whose every threshold it reaches within the
// brand's rolling window; the entry tier (rank 0) sets none, every other tier at least one.

export const MAX_WINDOW_DAYS = 3650;
/** The largest points threshold accepted (points_earned sums fit far beyond it). */
export const MAX_POINTS_THRESHOLD = 1_000_000_000;

/** A tier's thresholds as the rules store them (fen; null: no such threshold). */
export interface TierThresholds {
  code: string;
  minSpendFen: number | null;
  minPointsEarned: number | null;
}

export interface TierThresholdInput {
  code: string;
  minSpend?: MoneyInput | null;
  minPointsEarned?: number | null;
}

export interface TierRulesInput {
  windowDays: number;
  tiers: readonly TierThresholdInput[];
}

/** Checked rules: the window, the spend currency (null when no tier sets spend) and each tier's thresholds. */
export interface CheckedTierRules {
  windowDays: number;
  currency: string | null;
  tiers: TierThresholds[];
}

/**
 * Checks rules for a brand's tiers (`ladder`, by rank): the window is 1..3650 days; `tiers` names each tier of the
 * brand exactly once (an unknown code is NOT_FOUND); the entry tier sets no threshold and every other tier at least
 * one; spend thresholds share one currency (CURRENCY_MISMATCH); and a threshold is above the same threshold of every
 * lower tier that sets it, so a higher tier always asks for more. Faults are collected in `check` with their fields.
 */
export function checkTierRules(check: InputCheck, input: TierRulesInput, ladder: readonly TierRecord[]): CheckedTierRules {
  check.require(Number.isInteger(input.windowDays) && input.windowDays >= 1 && input.windowDays <= MAX_WINDOW_DAYS, ['input', 'windowDays'], `must be 1 to ${MAX_WINDOW_DAYS} days`);
  const byCode = new Map(ladder.map((t) => [t.code, t]));
  const seen = new Map<string, { rank: number; minSpendFen: number | null; minPointsEarned: number | null; index: number }>();
  let currency: string | null = null;
  input.tiers.forEach((given, i) => {
    const field = ['input', 'tiers', String(i)];
    const tier = byCode.get(given.code);
    if (!tier) {
      check.fail([...field, 'code'], `the brand has no tier ${given.code}`, 'NOT_FOUND');
      return;
    }
    if (seen.has(tier.code)) {
      check.fail([...field, 'code'], `tier ${tier.code} is named twice`);
      return;
    }
    const spend = given.minSpend ? check.attempt(() => parseMoneyInput(given.minSpend!, [...field, 'minSpend'])) : null;
    if (spend) {
      if (spend.fen <= 0) check.fail([...field, 'minSpend', 'amount'], 'must be above 0 (leave it out for no spend threshold)');
      if (currency === null) currency = spend.currency;
      else if (spend.currency !== currency) check.fail([...field, 'minSpend', 'currency'], `every spend threshold must be in ${currency}`, 'CURRENCY_MISMATCH');
    }
    const points = given.minPointsEarned ?? null;
    if (points !== null) check.require(Number.isInteger(points) && points > 0 && points <= MAX_POINTS_THRESHOLD, [...field, 'minPointsEarned'], `must be 1 to ${MAX_POINTS_THRESHOLD} (leave it out for no points threshold)`);
    const hasThreshold = given.minSpend != null || points !== null;
    if (tier.rank === 0 && hasThreshold) check.fail(field, `${tier.code} is the entry tier: it sets no threshold`);
    if (tier.rank > 0 && !hasThreshold) check.fail(field, `tier ${tier.code} needs a spend or points threshold (only the entry tier has none)`);
    seen.set(tier.code, { rank: tier.rank, minSpendFen: spend?.fen ?? null, minPointsEarned: points, index: i });
  });
  const missing = ladder.filter((t) => !seen.has(t.code)).map((t) => t.code);
  if (missing.length) check.fail(['input', 'tiers'], `name every tier of the brand; missing: ${missing.join(', ')}`);

  // A higher tier asks for more of each measure than every lower tier that sets the same measure.
  const ranked = [...seen.entries()].sort((a, b) => a[1].rank - b[1].rank);
  for (const measure of ['minSpendFen', 'minPointsEarned'] as const) {
    let highest: { code: string; value: number } | null = null;
    for (const [code, t] of ranked) {
      const value = t[measure];
      if (value === null) continue;
      if (highest && value <= highest.value) {
        const name = measure === 'minSpendFen' ? 'minSpend' : 'minPointsEarned';
        check.fail(['input', 'tiers', String(t.index), name], `must be above the ${name} of the lower tier ${highest.code}`);
      }
      if (!highest || value > highest.value) highest = { code, value };
    }
  }
  return {
    windowDays: input.windowDays,
    currency,
    tiers: ladder.map((t) => ({ code: t.code, minSpendFen: seen.get(t.code)?.minSpendFen ?? null, minPointsEarned: seen.get(t.code)?.minPointsEarned ?? null })),
  };
}
