import { SqlParams, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { MergeCounts } from '../domain/merge';
import { memberFence } from './members';

// Merging members (mergeMembers, docs/events.md members.member.merged): the locked rows, the moves, the audit.

/** What a merge (or a binding) needs of a member, read under a row lock. */
export interface LockedMember {
  id: string;
  brandId: string;
  oneId: string;
  mergedInto: string | null;
  erasedAt: Date | null;
  homeStoreId: string | null;
  guideId: string | null;
  guideBoundAt: Date | null;
}

/**
 * Locks the members of `ids` inside the scope, in id order (so two merges of the same pair never wait for each other
 * crosswise), and returns them; members outside the scope are absent. `share` lets other readers and binders of the
 * same member through but waits for a merge of it (which locks FOR UPDATE).
 */
export async function lockMembers(tx: Transaction, scope: Scope, ids: readonly string[], mode: 'update' | 'share'): Promise<LockedMember[]> {
  const p = new SqlParams();
  return tx.query<LockedMember>(
    `SELECT m.id, m.brand_id AS "brandId", m.one_id AS "oneId", m.merged_into AS "mergedInto", m.erased_at AS "erasedAt",
            m.home_store_id AS "homeStoreId", m.guide_id AS "guideId", m.guide_bound_at AS "guideBoundAt"
       FROM members.member m
      WHERE m.id = ANY(${p.add(ids)}::text[]) AND ${memberFence(scope, p)}
      ORDER BY m.id FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'} OF m`,
    p.values,
  );
}

/**
 * The member a member id stands for now: itself, or the end of its merged_into chain; null for an unknown id.
 * Unfenced: registerMember's idempotency (the phone of a merged member finds its survivor); the caller fences the
 * member it returns.
 */
export async function survivorIdOf(q: Queryable, memberId: string): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    `WITH RECURSIVE chain (id, merged_into, depth) AS (
       SELECT id, merged_into, 0 FROM members.member WHERE id = $1
       UNION ALL
       SELECT m.id, m.merged_into, c.depth + 1 FROM chain c JOIN members.member m ON m.id = c.merged_into WHERE c.depth < 64
     )
     SELECT id FROM chain WHERE merged_into IS NULL`,
    [memberId],
  );
  return rows[0]?.id ?? null;
}

/** How many rows a statement changed, for `WITH changed AS (… RETURNING 1)`. */
async function changed(tx: Transaction, sql: string, params: readonly unknown[]): Promise<number> {
  const rows = await tx.query<{ n: number }>(`WITH changed AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM changed`, params);
  return rows[0]!.n;
}

/**
 * Moves everything of `merged` to `survivor`: channel accounts, tags (a tag both carry stays once), guide bindings
 * (the merged member's open binding is closed at `at` unless the survivor has no guide: then it becomes the
 * survivor's current one, as `survivorGuide` says), purchases and earned points. Unfenced: the caller locked and
 * fenced both members.
 */
export async function moveMemberRows(tx: Transaction, survivor: string, merged: string, at: Date, survivorKeepsGuide: boolean): Promise<MergeCounts> {
  const identities = await changed(tx, `UPDATE members.channel_identity SET member_id = $1 WHERE member_id = $2`, [survivor, merged]);
  const tagRows = await tx.query<{ n: number }>(
    `WITH taken AS (DELETE FROM members.member_tag WHERE member_id = $2 RETURNING tag_id, tagged_at),
          given AS (INSERT INTO members.member_tag (member_id, tag_id, tagged_at) SELECT $1, tag_id, tagged_at FROM taken ON CONFLICT DO NOTHING RETURNING 1)
     SELECT (SELECT count(*)::int FROM taken) AS n`,
    [survivor, merged],
  );
  if (survivorKeepsGuide) {
    await tx.query(`UPDATE members.guide_assignment SET to_at = GREATEST(from_at, $2) WHERE member_id = $1 AND to_at IS NULL`, [merged, at]);
  }
  const guideAssignments = await changed(tx, `UPDATE members.guide_assignment SET member_id = $1 WHERE member_id = $2`, [survivor, merged]);
  const purchases = await changed(tx, `UPDATE members.purchase SET member_id = $1 WHERE member_id = $2`, [survivor, merged]);
  const pointsEarned = await changed(tx, `UPDATE members.points_earned SET member_id = $1 WHERE member_id = $2`, [survivor, merged]);
  return { identities, tags: tagRows[0]!.n, guideAssignments, purchases, pointsEarned };
}

/** The survivor's columns after a merge (MergePlan.survivor). Unfenced: the caller locked and fenced it. */
export async function updateSurvivor(
  tx: Transaction,
  s: { id: string; homeStoreId: string | null; guideId: string | null; guideBoundAt: Date | null },
): Promise<void> {
  await tx.query(
    `UPDATE members.member SET home_store_id = $2, guide_id = $3, guide_bound_at = $4, updated_at = clock_timestamp() WHERE id = $1`,
    [s.id, s.homeStoreId, s.guideId, s.guideBoundAt],
  );
}

/** Points the merged member to its survivor; it keeps no exclusive guide (its bindings moved). Unfenced: the caller locked and fenced it. */
export async function markMerged(tx: Transaction, mergedId: string, survivorId: string, at: Date): Promise<void> {
  await tx.query(
    `UPDATE members.member SET merged_into = $2, merged_at = $3, guide_id = NULL, guide_bound_at = NULL, updated_at = clock_timestamp() WHERE id = $1`,
    [mergedId, survivorId, at],
  );
}

/** A merge as audited in members.member_merge (ids and counts only). */
export interface MergeAudit {
  id: string;
  brandId: string;
  survivorId: string;
  mergedId: string;
  actor: string;
  mergedAt: Date;
  moved: MergeCounts;
}

/** Records the merge's audit row. Unfenced: written by mergeMembers after its checks. */
export async function insertMergeAudit(tx: Transaction, a: MergeAudit): Promise<void> {
  await tx.query(
    `INSERT INTO members.member_merge (id, brand_id, survivor_id, merged_id, actor, merged_at, identities_moved, tags_moved, assignments_moved, purchases_moved, points_rows_moved)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [a.id, a.brandId, a.survivorId, a.mergedId, a.actor, a.mergedAt, a.moved.identities, a.moved.tags, a.moved.guideAssignments, a.moved.purchases, a.moved.pointsEarned],
  );
}

/** The database's clock now (merges are stamped by it, like joins). */
export async function clockNow(tx: Transaction): Promise<Date> {
  return (await tx.query<{ at: Date }>(`SELECT clock_timestamp() AS at`))[0]!.at;
}
