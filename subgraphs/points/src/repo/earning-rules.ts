import type { Queryable } from '@retail/platform';
import type { EarningRule } from '../model';

/** A brand's rule with what it means for points earned at a given time. */
export interface RuleAt extends EarningRule {
  /** When points earned then lapse: the end of the expiry_months-th month after, in the brand's time zone. */
  expiresAt: Date;
  /** When points earned then become spendable: after the holding period. */
  availableAt: Date;
  /** Whether points earned then have lapsed by now (an order paid long ago). */
  lapsed: boolean;
}

/**
 * The brand's earning rule applied to points earned at `at` (default: now); null when the brand has none (nothing
 * is earned). Unfenced: a brand's rule is no secret, and only writes that checked the account use it.
 */
export async function ruleAt(q: Queryable, brandId: string, at: Date | null = null): Promise<RuleAt | null> {
  const rows = await q.query<RuleAt>(
    `SELECT r.brand_id AS "brandId", r.points_per_yuan AS "pointsPerYuan", r.tier_multipliers AS "tierMultipliers", r.expiry_months AS "expiryMonths",
            r.holding_days AS "holdingDays", r.time_zone AS "timeZone",
            (date_trunc('month', t.at AT TIME ZONE r.time_zone) + make_interval(months => r.expiry_months + 1)) AT TIME ZONE r.time_zone AS "expiresAt",
            t.at + make_interval(days => r.holding_days) AS "availableAt",
            (date_trunc('month', t.at AT TIME ZONE r.time_zone) + make_interval(months => r.expiry_months + 1)) AT TIME ZONE r.time_zone <= now() AS lapsed
       FROM points.earning_rule r CROSS JOIN (SELECT COALESCE($2::timestamptz, now()) AS at) t
      WHERE r.brand_id = $1`,
    [brandId, at],
  );
  return rows[0] ?? null;
}

/** Demo data: the brands' rules, in one statement; rules already there are left as they are. */
export async function seedEarningRules(q: Queryable, rules: readonly EarningRule[]): Promise<void> {
  await q.query(
    `INSERT INTO points.earning_rule (brand_id, points_per_yuan, tier_multipliers, expiry_months, holding_days, time_zone)
     SELECT x."brandId", x."pointsPerYuan", x."tierMultipliers", x."expiryMonths", x."holdingDays", x."timeZone"
       FROM jsonb_to_recordset($1::jsonb) AS x("brandId" text, "pointsPerYuan" integer, "tierMultipliers" jsonb, "expiryMonths" integer, "holdingDays" integer, "timeZone" text)
     ON CONFLICT (brand_id) DO NOTHING`,
    [JSON.stringify(rules)],
  );
}
