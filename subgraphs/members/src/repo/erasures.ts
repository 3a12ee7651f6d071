import type { ChannelAccount, Transaction } from '@retail/platform';

// Erasing a member's personal data (eraseMember, PIPL; docs/events.md members.member.erased): the locked rows, the
// erasure itself and its audit row.

/** What erasure needs of a member, read under a row lock: its personal data, to check the reason against it. */
export interface ErasableMember {
  id: string;
  brandId: string;
  displayName: string | null;
  phoneCipher: string | null;
  phoneMasked: string | null;
  erasedAt: Date | null;
}

/**
 * Locks and returns the person's members in the brand that `memberId` belongs to: the end of its merged_into chain
 * (the survivor) and every member merged into it, directly or along a chain — all the same person
 * (docs/events.md, members.member.merged). Rows are locked in id order, as merges lock them. Unfenced: the caller
 * has fenced `memberId` itself; merges never cross brands.
 */
export async function lockPersonMembers(tx: Transaction, memberId: string): Promise<ErasableMember[]> {
  return tx.query<ErasableMember>(
    `WITH RECURSIVE up (id, depth) AS (
       SELECT $1::text, 0
       UNION ALL
       SELECT m.merged_into, u.depth + 1 FROM up u JOIN members.member m ON m.id = u.id WHERE m.merged_into IS NOT NULL AND u.depth < 64
     ),
     down (id, depth) AS (
       SELECT id, 0 FROM (SELECT id FROM up ORDER BY depth DESC LIMIT 1) AS survivor
       UNION ALL
       SELECT m.id, d.depth + 1 FROM down d JOIN members.member m ON m.merged_into = d.id WHERE d.depth < 64
     )
     SELECT m.id, m.brand_id AS "brandId", m.display_name AS "displayName", m.phone_cipher AS "phoneCipher", m.phone_masked AS "phoneMasked",
            m.erased_at AS "erasedAt"
       FROM members.member m WHERE m.id IN (SELECT id FROM down) ORDER BY m.id FOR UPDATE OF m`,
    [memberId],
  );
}

/**
 * Turns members into anonymous tombstones: name, phone (ciphertext, keyed hash, masked form) and birthday gone, a
 * fresh random OneID in place of the one derived from the phone (which linked the person across brands), channel
 * accounts unbound and deleted, tags taken off. The rows stay, so orders, the points ledger and guide history that name them stay
 * consistent. Returns the time of the erasure.
 */
export async function eraseMembers(tx: Transaction, memberIds: readonly string[]): Promise<Date> {
  const rows = await tx.query<{ erasedAt: Date }>(
    `UPDATE members.member
        SET display_name = NULL, phone_cipher = NULL, phone_hash = NULL, phone_masked = NULL, birthday = NULL,
            one_id = 'oid-' || replace(gen_random_uuid()::text, '-', ''), erased_at = clock_timestamp(), updated_at = clock_timestamp()
      WHERE id = ANY($1::text[]) AND erased_at IS NULL
      RETURNING erased_at AS "erasedAt"`,
    [memberIds],
  );
  await tx.query(`DELETE FROM members.channel_identity WHERE member_id = ANY($1::text[])`, [memberIds]);
  // Tags describe the person (孕期, 敏感肌): sensitive personal data under PIPL, so they go too.
  await tx.query(`DELETE FROM members.member_tag WHERE member_id = ANY($1::text[])`, [memberIds]);
  return rows[0]!.erasedAt;
}

/** The audit row of an erasure: who erased which members, when and why (the reason holds no personal data, see eraseMember). */
export interface ErasureAudit {
  brandId: string;
  memberIds: readonly string[];
  actorRole: string;
  actorScope: string;
  actorSubject: string | null;
  reason: string;
  erasedAt: Date;
}

/** One audit row per erased member, in one statement; the ids are 'era-…'. */
export async function insertErasures(tx: Transaction, a: ErasureAudit): Promise<void> {
  await tx.query(
    `INSERT INTO members.member_erasure (id, member_id, brand_id, actor_role, actor_scope, actor_subject, reason, erased_at)
     SELECT 'era-' || gen_random_uuid()::text, x.member_id, $2, $3, $4, $5, $6, $7 FROM unnest($1::text[]) AS x(member_id)`,
    [a.memberIds, a.brandId, a.actorRole, a.actorScope, a.actorSubject, a.reason, a.erasedAt],
  );
}
