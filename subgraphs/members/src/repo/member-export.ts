import { SqlParams, type Queryable, type Scope } from '@retail/platform';
import { memberFence } from './members';

// Everything members holds about one member, for its data export (PIPL 查阅复制权, Query.memberDataExport): one
// statement per table. Only the profile is fenced; the other tables are read for a member the fence returned.

/** The member's row as stored, the phone still sealed (the caller decides who may read it in clear). */
export interface ExportProfile {
  id: string;
  brandId: string;
  oneId: string;
  displayName: string | null;
  phoneCipher: string | null;
  phoneMasked: string | null;
  birthday: string | null;
  tier: { code: string; name: string };
  joinChannel: string;
  joinStoreId: string | null;
  joinGuideId: string | null;
  joinedAt: Date;
  homeStoreId: string | null;
  guideId: string | null;
  guideBoundAt: Date | null;
  mergedInto: string | null;
  mergedAt: Date | null;
  erasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the other tables hold about the member, as JSON-ready rows. */
export interface ExportRows {
  identities: Record<string, unknown>[];
  guideHistory: Record<string, unknown>[];
  tags: Record<string, unknown>[];
  tierHistory: Record<string, unknown>[];
  purchases: Record<string, unknown>[];
  pointsEarned: Record<string, unknown>[];
  merges: Record<string, unknown>[];
  erasures: Record<string, unknown>[];
}

/** The member's row inside the scope; null when absent or outside it. */
export async function exportProfile(q: Queryable, scope: Scope, memberId: string): Promise<ExportProfile | null> {
  const p = new SqlParams();
  const rows = await q.query<ExportProfile>(
    `SELECT m.id, m.brand_id AS "brandId", m.one_id AS "oneId", m.display_name AS "displayName", m.phone_cipher AS "phoneCipher",
            m.phone_masked AS "phoneMasked", to_char(m.birthday, 'YYYY-MM-DD') AS birthday, json_build_object('code', t.code, 'name', t.name) AS tier,
            m.join_channel AS "joinChannel", m.join_store_id AS "joinStoreId", m.join_guide_id AS "joinGuideId", m.joined_at AS "joinedAt",
            m.home_store_id AS "homeStoreId", m.guide_id AS "guideId", m.guide_bound_at AS "guideBoundAt", m.merged_into AS "mergedInto",
            m.merged_at AS "mergedAt", m.erased_at AS "erasedAt", m.created_at AS "createdAt", m.updated_at AS "updatedAt"
       FROM members.member m JOIN members.tier t ON t.brand_id = m.brand_id AND t.code = m.tier_code
      WHERE m.id = ${p.add(memberId)} AND ${memberFence(scope, p)}`,
    p.values,
  );
  return rows[0] ?? null;
}

/** One statement per table: the member's rows as JSON objects, in a stable order. */
const STATEMENTS = {
  identities: `SELECT json_build_object('channel', i.channel, 'appId', i.app_id, 'externalId', i.external_id, 'unionId', i.union_id, 'boundAt', i.bound_at) AS row
                 FROM members.channel_identity i WHERE i.member_id = $1 ORDER BY i.bound_at, i.channel, i.app_id, i.external_id`,
  guideHistory: `SELECT json_build_object('guideId', a.guide_id, 'reason', a.reason, 'from', a.from_at, 'to', a.to_at) AS row
                   FROM members.guide_assignment a WHERE a.member_id = $1 ORDER BY a.from_at, a.id`,
  tags: `SELECT json_build_object('tagId', t.id, 'name', t.name, 'taggedAt', mt.tagged_at) AS row
           FROM members.member_tag mt JOIN members.tag t ON t.id = mt.tag_id WHERE mt.member_id = $1 ORDER BY mt.tagged_at, t.id`,
  tierHistory: `SELECT json_build_object('fromTier', h.from_tier, 'toTier', h.to_tier, 'reason', h.reason, 'at', h.at, 'spendFen', h.spend_fen,
                       'currency', h.currency, 'pointsEarned', h.points_earned, 'windowDays', h.window_days) AS row
                  FROM members.tier_history h WHERE h.member_id = $1 ORDER BY h.at, h.id`,
  purchases: `SELECT json_build_object('orderId', pu.order_id, 'storeId', pu.store_id, 'guideId', pu.guide_id, 'channel', pu.channel, 'inStore', pu.in_store,
                     'paidFen', pu.paid_fen, 'refundedFen', pu.refunded_fen, 'currency', pu.currency, 'paidAt', pu.paid_at) AS row
                FROM members.purchase pu WHERE pu.member_id = $1 ORDER BY pu.paid_at, pu.order_id`,
  pointsEarned: `SELECT json_build_object('entryId', e.entry_id, 'points', e.points, 'bookedAt', e.booked_at) AS row
                   FROM members.points_earned e WHERE e.member_id = $1 ORDER BY e.booked_at, e.entry_id`,
  merges: `SELECT json_build_object('mergeId', g.id, 'survivorId', g.survivor_id, 'mergedId', g.merged_id, 'mergedAt', g.merged_at) AS row
             FROM members.member_merge g WHERE g.survivor_id = $1 OR g.merged_id = $1 ORDER BY g.merged_at, g.id`,
  erasures: `SELECT json_build_object('erasedAt', x.erased_at, 'reason', x.reason) AS row FROM members.member_erasure x WHERE x.member_id = $1 ORDER BY x.erased_at`,
};

/**
 * The member's rows of every other table members keeps about it (channel accounts, guide bindings, tags, tier
 * changes, purchases, earned points, merges, erasure). Unfenced: the caller fenced the member (exportProfile).
 */
export async function exportRows(q: Queryable, memberId: string): Promise<ExportRows> {
  const read = async (sql: string) => (await q.query<{ row: Record<string, unknown> }>(sql, [memberId])).map((r) => r.row);
  const s = STATEMENTS;
  const [identities, guideHistory, tags, tierHistory, purchases, pointsEarned, merges, erasures] = await Promise.all([
    read(s.identities), read(s.guideHistory), read(s.tags), read(s.tierHistory), read(s.purchases), read(s.pointsEarned), read(s.merges), read(s.erasures),
  ]);
  return { identities, guideHistory, tags, tierHistory, purchases, pointsEarned, merges, erasures };
}
