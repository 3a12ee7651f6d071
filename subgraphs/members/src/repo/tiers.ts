import { brandFence, SqlParams, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { TierThresholds } from '../domain/tier-rule';
import type { TierChangeReason, TierChangeRecord, TierRecord, TierRulesRecord, TierThresholdRecord } from '../model';

/**
 * The entry tier (lowest rank) of a brand, which a member joins at; null when members has no tiers for the brand,
 * i.e. does not know it. Unfenced: tiers are the brand's public ladder.
 */
export async function entryTier(q: Queryable, brandId: string): Promise<TierRecord | null> {
  const rows = await q.query<TierRecord>(`SELECT code, name, rank FROM members.tier WHERE brand_id = $1 ORDER BY rank LIMIT 1`, [brandId]);
  return rows[0] ?? null;
}

const THRESHOLD_COLUMNS = `t.code, t.name, t.rank, t.min_spend_fen AS "minSpendFen", t.min_points_earned AS "minPointsEarned"`;

/**
 * A brand's tiers by rank with their thresholds; with `lock`, locked until the transaction ends. Unfenced: the public
 * ladder (setTierRules checks its caller first).
 */
export function tiersOfBrand(q: Queryable, brandId: string, opts: { lock?: boolean } = {}): Promise<TierThresholdRecord[]> {
  return q.query<TierThresholdRecord>(`SELECT ${THRESHOLD_COLUMNS} FROM members.tier t WHERE t.brand_id = $1 ORDER BY t.rank${opts.lock ? ' FOR NO KEY UPDATE' : ''}`, [brandId]);
}

/**
 * Query.tierRules: a brand's tier rules with its tiers by rank; null when the brand has none or is outside the
 * scope. Everyone acting inside the brand may read them (members see what a tier asks for).
 */
export async function tierRulesOf(q: Queryable, scope: Scope, brandId: string): Promise<TierRulesRecord | null> {
  const p = new SqlParams();
  const rows = await q.query<TierRulesRecord>(
    `SELECT r.brand_id AS "brandId", r.window_days AS "windowDays", r.currency, r.updated_at AS "updatedAt",
            (SELECT json_agg(json_build_object('code', t.code, 'name', t.name, 'rank', t.rank, 'minSpendFen', t.min_spend_fen, 'minPointsEarned', t.min_points_earned) ORDER BY t.rank)
               FROM members.tier t WHERE t.brand_id = r.brand_id) AS tiers
       FROM members.tier_rule r WHERE r.brand_id = ${p.add(brandId)} AND ${brandFence(scope, p, 'r.brand_id')}`,
    p.values,
  );
  return rows[0] ?? null;
}

/**
 * Saves a brand's tier rules: the window and currency, and every tier's thresholds (two statements). The caller
 * has checked that it administers the brand and that the thresholds name exactly the brand's tiers.
 */
export async function saveTierRules(tx: Transaction, brandId: string, windowDays: number, currency: string | null, tiers: readonly TierThresholds[]): Promise<void> {
  await tx.query(
    `INSERT INTO members.tier_rule AS r (brand_id, window_days, currency) VALUES ($1, $2, $3)
     ON CONFLICT (brand_id) DO UPDATE SET window_days = EXCLUDED.window_days, currency = EXCLUDED.currency, updated_at = clock_timestamp()`,
    [brandId, windowDays, currency],
  );
  await tx.query(
    `UPDATE members.tier t SET min_spend_fen = x."minSpendFen", min_points_earned = x."minPointsEarned"
       FROM jsonb_to_recordset($2::jsonb) AS x(code text, "minSpendFen" bigint, "minPointsEarned" integer)
      WHERE t.brand_id = $1 AND t.code = x.code`,
    [brandId, JSON.stringify(tiers)],
  );
}

/** A tier change reevaluation made. */
export interface TierDecision {
  memberId: string;
  from: TierRecord;
  to: TierRecord;
  spendFen: number;
  pointsEarned: number;
}

const tierJson = (a: string) => `json_build_object('code', ${a}.code, 'name', ${a}.name, 'rank', ${a}.rank)`;

/**
 * Re-evaluates the tiers of the members `target` selects (a condition on alias m, bound to `p`) as of `at`, in
 * two statements whatever their number: locks the members (in id order, so two evaluations never wait crosswise),
 * then for each member of a brand with tier rules sums its net spend (paid less refunded, purchases in the rules'
 * currency with paid_at in (at − window, at]) and its points earned (booked_at in the same window), takes the
 * highest-ranked tier whose every threshold it reaches, and where that differs from its tier sets it and writes a
 * tier_history row with what the decision saw. Members of brands without rules, and merged members (their
 * survivor holds their purchases and points), keep their tiers.
 */
async function reevaluate(tx: Transaction, p: SqlParams, target: string, at: Date, reason: Exclude<TierChangeReason, 'JOINED'>): Promise<TierDecision[]> {
  await tx.query(`SELECT count(*) FROM (SELECT m.id FROM members.member m WHERE ${target} ORDER BY m.id FOR UPDATE) AS locked`, p.values);
  const $at = p.add(at);
  const $reason = p.add(reason);
  const since = `${$at}::timestamptz - make_interval(days => r.window_days)`;
  return tx.query<TierDecision>(
    `WITH facts AS (
       SELECT m.id AS member_id, m.brand_id, m.tier_code AS from_tier, r.window_days, r.currency,
              COALESCE((SELECT sum(pu.paid_fen - pu.refunded_fen) FROM members.purchase pu
                         WHERE pu.member_id = m.id AND pu.currency = r.currency AND pu.paid_at > ${since} AND pu.paid_at <= ${$at}::timestamptz), 0)::bigint AS spend_fen,
              COALESCE((SELECT sum(e.points) FROM members.points_earned e
                         WHERE e.member_id = m.id AND e.booked_at > ${since} AND e.booked_at <= ${$at}::timestamptz), 0)::bigint AS points_earned
         FROM members.member m JOIN members.tier_rule r ON r.brand_id = m.brand_id
        WHERE ${target} AND m.merged_into IS NULL
     ), decided AS (
       SELECT f.*, q.code AS to_tier
         FROM facts f
         CROSS JOIN LATERAL (
           SELECT t.code FROM members.tier t
            WHERE t.brand_id = f.brand_id
              AND (t.min_spend_fen IS NULL OR f.spend_fen >= t.min_spend_fen)
              AND (t.min_points_earned IS NULL OR f.points_earned >= t.min_points_earned)
            ORDER BY t.rank DESC LIMIT 1
         ) q
        WHERE q.code <> f.from_tier
     ), changed AS (
       UPDATE members.member m SET tier_code = d.to_tier, updated_at = clock_timestamp() FROM decided d WHERE m.id = d.member_id RETURNING m.id
     ), recorded AS (
       INSERT INTO members.tier_history (member_id, brand_id, from_tier, to_tier, reason, spend_fen, currency, points_earned, window_days, at)
       SELECT d.member_id, d.brand_id, d.from_tier, d.to_tier, ${$reason}, d.spend_fen, d.currency, d.points_earned, d.window_days, ${$at}
         FROM decided d
     )
     SELECT d.member_id AS "memberId", ${tierJson('tf')} AS "from", ${tierJson('tt')} AS "to", d.spend_fen AS "spendFen", d.points_earned AS "pointsEarned"
       FROM decided d
       JOIN members.tier tf ON tf.brand_id = d.brand_id AND tf.code = d.from_tier
       JOIN members.tier tt ON tt.brand_id = d.brand_id AND tt.code = d.to_tier
      ORDER BY d.member_id`,
    p.values,
  );
}

/**
 * Re-evaluates the tiers of these members as of `at` inside the caller's transaction (after a purchase or a points
 * event, or evaluateTier), in two statements whatever their number; returns the changes made (members whose tier
 * stayed are absent). Unfenced: the caller decided whom to evaluate (an event's member, or a member it checked).
 */
export function reevaluateTiers(tx: Transaction, memberIds: readonly string[], at: Date, reason: Exclude<TierChangeReason, 'JOINED'>): Promise<TierDecision[]> {
  if (memberIds.length === 0) return Promise.resolve([]);
  const p = new SqlParams();
  return reevaluate(tx, p, `m.id = ANY(${p.add(memberIds)}::text[])`, at, reason);
}

/**
 * Re-evaluates every member of a brand as of `at` (new tier rules, reason RULES_CHANGED); returns how many changed
 * tier. Unfenced: setTierRules checked that its caller administers the brand.
 */
export async function reevaluateBrandTiers(tx: Transaction, brandId: string, at: Date): Promise<number> {
  const p = new SqlParams();
  return (await reevaluate(tx, p, `m.brand_id = ${p.add(brandId)}`, at, 'RULES_CHANGED')).length;
}

/** A points.earn.booked entry as the points read model keeps it (docs/events.md, "points"). */
export interface PointsEarnedEntry {
  entryId: string;
  brandId: string;
  memberId: string;
  /** Signed: an earn is positive, its reversal negative. */
  points: number;
  bookedAt: Date;
}

/**
 * Records a points entry once (a redelivered or repeated entry changes nothing), for the survivor when the member
 * was merged (merged_into followed to the end); returns the member it was recorded for, null when it was there
 * already. Unfenced: written from the points subgraph's events, inside the consumer's transaction.
 */
export async function recordPointsEarned(tx: Transaction, e: PointsEarnedEntry): Promise<string | null> {
  const rows = await tx.query<{ memberId: string }>(
    `WITH RECURSIVE chain (id, depth) AS (
       SELECT $3::text, 0
       UNION ALL
       SELECT m.merged_into, c.depth + 1 FROM chain c JOIN members.member m ON m.id = c.id WHERE m.merged_into IS NOT NULL AND c.depth < 64
     )
     INSERT INTO members.points_earned (entry_id, brand_id, member_id, points, booked_at)
     VALUES ($1, $2, (SELECT id FROM chain ORDER BY depth DESC LIMIT 1), $4, $5)
     ON CONFLICT (entry_id) DO NOTHING RETURNING member_id AS "memberId"`,
    [e.entryId, e.brandId, e.memberId, e.points, e.bookedAt],
  );
  return rows[0]?.memberId ?? null;
}

/** Writes the JOINED row of a new member's tier history (registerMember, in its transaction). */
export async function recordJoinedTier(tx: Transaction, memberId: string, brandId: string, tierCode: string, at: Date): Promise<void> {
  await tx.query(`INSERT INTO members.tier_history (member_id, brand_id, from_tier, to_tier, reason, at) VALUES ($1, $2, NULL, $3, 'JOINED', $4)`, [memberId, brandId, tierCode, at]);
}

/**
 * Member.tierHistory: the tier changes of members, newest first (one statement). Unfenced: only reached from
 * members the fence returned.
 */
export function tierHistoryOf(q: Queryable, memberIds: readonly string[]): Promise<TierChangeRecord[]> {
  return q.query<TierChangeRecord>(
    `SELECT h.member_id AS "memberId", CASE WHEN tf.code IS NULL THEN NULL ELSE ${tierJson('tf')} END AS "from", ${tierJson('tt')} AS "to",
            h.reason, h.at, h.spend_fen AS "spendFen", h.currency, h.points_earned AS "pointsEarned", h.window_days AS "windowDays"
       FROM members.tier_history h
       JOIN members.tier tt ON tt.brand_id = h.brand_id AND tt.code = h.to_tier
       LEFT JOIN members.tier tf ON tf.brand_id = h.brand_id AND tf.code = h.from_tier
      WHERE h.member_id = ANY($1::text[])
      ORDER BY h.member_id, h.at DESC, h.id DESC`,
    [memberIds],
  );
}

/** Demo data: each brand's tiers, in one statement; tiers already there are left as they are. */
export async function seedTiers(q: Queryable, tiers: readonly (TierRecord & { brandId: string })[]): Promise<void> {
  await q.query(
    `INSERT INTO members.tier (brand_id, code, name, rank)
     SELECT x."brandId", x.code, x.name, x.rank FROM jsonb_to_recordset($1::jsonb) AS x("brandId" text, code text, name text, rank integer)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(tiers)],
  );
}

/**
 * Demo data: each brand's tier rules and, only for a brand whose rules are inserted now, its tiers' thresholds (one
 * statement). Rules already there are left as they are, so a second run changes nothing. Members are not
 * re-evaluated: the demo keeps the tiers its members were given.
 */
export async function seedTierRules(
  q: Queryable,
  rules: readonly { brandId: string; windowDays: number; currency: string | null }[],
  thresholds: readonly (TierThresholds & { brandId: string })[],
): Promise<void> {
  await q.query(
    `WITH inserted AS (
       INSERT INTO members.tier_rule (brand_id, window_days, currency)
       SELECT x."brandId", x."windowDays", x.currency FROM jsonb_to_recordset($1::jsonb) AS x("brandId" text, "windowDays" integer, currency text)
       ON CONFLICT DO NOTHING
       RETURNING brand_id
     )
     UPDATE members.tier t SET min_spend_fen = y."minSpendFen", min_points_earned = y."minPointsEarned"
       FROM jsonb_to_recordset($2::jsonb) AS y("brandId" text, code text, "minSpendFen" bigint, "minPointsEarned" integer)
       JOIN inserted i ON i.brand_id = y."brandId"
      WHERE t.brand_id = y."brandId" AND t.code = y.code`,
    [JSON.stringify(rules), JSON.stringify(thresholds)],
  );
}
