import type { Queryable } from '@retail/platform';
import type { TierRecord } from '../model';

/**
 * The entry tier (lowest rank) of a brand, which a member joins at; null when members has no tiers for the brand,
 * i.e. does not know it. Unfenced: tiers are the brand's public ladder.
 */
export async function entryTier(q: Queryable, brandId: string): Promise<TierRecord | null> {
  const rows = await q.query<TierRecord>(`SELECT code, name, rank FROM members.tier WHERE brand_id = $1 ORDER BY rank LIMIT 1`, [brandId]);
  return rows[0] ?? null;
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
