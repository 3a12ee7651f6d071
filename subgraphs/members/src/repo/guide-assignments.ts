import { SqlParams, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { GuideMove } from '../domain/guide-handover';
import type { GuideAssignmentReason, GuideAssignmentRecord, GuideStatus } from '../model';
import { memberFence } from './members';
import { STORE_DIRECTORY } from './store-directory';

/**
 * The guide bindings of members, newest first (one statement). Unfenced: only reached from members the fence
 * returned (Member.guideHistory).
 */
export function guideHistoryOf(q: Queryable, memberIds: readonly string[]): Promise<GuideAssignmentRecord[]> {
  return q.query<GuideAssignmentRecord>(
    `SELECT member_id AS "memberId", guide_id AS "guideId", reason, from_at AS "from", to_at AS "to"
       FROM members.guide_assignment WHERE member_id = ANY($1::text[]) ORDER BY member_id, from_at DESC, id DESC`,
    [memberIds],
  );
}

/**
 * Makes `guideId` the exclusive guide (专属导购) of an unbound member from `from` on: the open binding row (at most
 * one per member, guide_assignment_current) and the member's guide columns, in the caller's transaction. The
 * caller has checked the guide.
 */
export async function bindGuide(tx: Transaction, memberId: string, guideId: string, reason: GuideAssignmentReason, from: Date): Promise<void> {
  await tx.query(`INSERT INTO members.guide_assignment (member_id, guide_id, reason, from_at) VALUES ($1, $2, $3, $4)`, [memberId, guideId, reason, from]);
  await tx.query(`UPDATE members.member SET guide_id = $2, guide_bound_at = $3, updated_at = clock_timestamp() WHERE id = $1`, [memberId, guideId, from]);
}

// ---- assignGuide and inheritGuideCustomers: set-based, a few statements for up to 1000 members ----

/** A member about to get a guide, as it stands once locked. */
export interface BindingCandidate {
  id: string;
  brandId: string;
  homeStoreId: string | null;
  /** The operator of the home store, by members' store directory. */
  homeOperatorId: string | null;
  guideId: string | null;
  /** The status of its current guide; null when unbound. */
  guideStatus: GuideStatus | null;
  mergedInto: string | null;
}

/**
 * Locks the members among `ids` the scope reaches (FOR UPDATE, in id order so two writers never wait for each other
 * crosswise) and returns them with their home store's operator and their guide's status; members outside the
 * scope are absent.
 */
export async function lockMembersForBinding(tx: Transaction, scope: Scope, ids: readonly string[]): Promise<BindingCandidate[]> {
  const p = new SqlParams();
  return tx.query<BindingCandidate>(
    `SELECT m.id, m.brand_id AS "brandId", m.home_store_id AS "homeStoreId", d.franchisee_id AS "homeOperatorId", m.guide_id AS "guideId",
            g.status AS "guideStatus", m.merged_into AS "mergedInto"
       FROM members.member m
       LEFT JOIN ${STORE_DIRECTORY.table.table} d ON d.store_id = m.home_store_id
       LEFT JOIN members.guide_directory g ON g.guide_id = m.guide_id
      WHERE m.id = ANY(${p.add(ids)}::text[]) AND ${memberFence(scope, p)}
      ORDER BY m.id FOR UPDATE OF m`,
    p.values,
  );
}

/** Advisory lock class of guide handovers ("gh"), beside the kernel's and registrations' ("mb"). */
const HANDOVER_LOCK_CLASS = 0x6768;

/**
 * Serialises handovers of one guide's customers until the transaction ends: a second inheritGuideCustomers of the
 * same guide waits, then finds the customers gone.
 */
export async function lockGuideHandover(tx: Transaction, guideId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${HANDOVER_LOCK_CLASS}, hashtext($1))`, [guideId]);
}

/** Locks and returns the ids of the guide's customers the scope reaches, in id order. */
export async function lockCustomersOf(tx: Transaction, scope: Scope, guideId: string): Promise<string[]> {
  const p = new SqlParams();
  const rows = await tx.query<{ id: string }>(
    `SELECT m.id FROM members.member m WHERE m.guide_id = ${p.add(guideId)} AND m.merged_into IS NULL AND ${memberFence(scope, p)} ORDER BY m.id FOR UPDATE OF m`,
    p.values,
  );
  return rows.map((r) => r.id);
}

/**
 * Moves members (locked by the caller) to their new guides at one instant: closes each one's open binding (to_at),
 * then opens the new one with its reason and points the member's guide columns at it. Two statements whatever the
 * number of members; the closing comes first, as at most one binding per member may be open
 * (guide_assignment_current).
 */
export async function moveGuides(tx: Transaction, moves: readonly GuideMove[]): Promise<{ at: Date; previousGuide: ReadonlyMap<string, string> }> {
  if (moves.length === 0) return { at: new Date(), previousGuide: new Map() };
  const memberIds = moves.map((m) => m.memberId);
  // Data-modifying CTEs run whether or not the query reads them: this closes the bindings, reads the instant and
  // which guide each member leaves.
  const rows = await tx.query<{ at: Date; previous: { memberId: string; guideId: string }[] | null }>(
    `WITH t AS (SELECT clock_timestamp() AS at),
          closed AS (UPDATE members.guide_assignment a SET to_at = GREATEST(t.at, a.from_at) FROM t WHERE a.member_id = ANY($1::text[]) AND a.to_at IS NULL
                     RETURNING a.member_id, a.guide_id)
     SELECT t.at, (SELECT json_agg(json_build_object('memberId', c.member_id, 'guideId', c.guide_id)) FROM closed c) AS previous FROM t`,
    [memberIds],
  );
  const at = rows[0]!.at;
  const previousGuide = new Map((rows[0]!.previous ?? []).map((p) => [p.memberId, p.guideId] as const));
  await tx.query(
    `WITH moves AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS x(member_id, guide_id, reason)),
          opened AS (INSERT INTO members.guide_assignment (member_id, guide_id, reason, from_at) SELECT member_id, guide_id, reason, $4 FROM moves RETURNING member_id)
     UPDATE members.member m SET guide_id = moves.guide_id, guide_bound_at = $4, updated_at = $4 FROM moves WHERE m.id = moves.member_id`,
    [memberIds, moves.map((m) => m.guideId), moves.map((m) => m.reason), at],
  );
  return { at, previousGuide };
}
