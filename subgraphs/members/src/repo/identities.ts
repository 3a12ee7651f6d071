import type { Queryable, Transaction } from '@retail/platform';
import type { ChannelIdentity, IdentityRecord } from '../model';

/**
 * The channel accounts of members, oldest binding first (one statement). Unfenced: only reached from members
 * the fence returned (Member.identities), whose accounts the caller may see.
 */
export function identitiesOf(q: Queryable, memberIds: readonly string[]): Promise<IdentityRecord[]> {
  return q.query<IdentityRecord>(
    `SELECT member_id AS "memberId", channel, app_id AS "appId", external_id AS "externalId", union_id AS "unionId", bound_at AS "boundAt"
       FROM members.channel_identity WHERE member_id = ANY($1::text[]) ORDER BY member_id, bound_at, channel, app_id, external_id`,
    [memberIds],
  );
}

/**
 * Binds a channel account to a member of the brand; the caller holds the registration lock and has found the
 * account unbound. A taken account raises channel_identity_pkey.
 */
export async function insertIdentity(tx: Transaction, brandId: string, memberId: string, identity: ChannelIdentity, boundAt: Date): Promise<void> {
  await tx.query(
    `INSERT INTO members.channel_identity (brand_id, channel, app_id, external_id, member_id, union_id, bound_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [brandId, identity.channel, identity.appId, identity.externalId, memberId, identity.unionId, boundAt],
  );
}
