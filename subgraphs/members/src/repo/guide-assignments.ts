import type { Queryable, Transaction } from '@retail/platform';
import type { GuideAssignmentReason, GuideAssignmentRecord } from '../model';

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
