import { brandFence, SqlParams, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { ChannelIdentity, IdentityChannel, IdentityRecord } from '../model';

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

/**
 * Binds a channel account to a member of the brand now (bindChannelIdentity); the caller holds the registration lock
 * and has found the account unbound. A taken account raises channel_identity_pkey.
 */
export async function bindIdentity(tx: Transaction, brandId: string, memberId: string, identity: ChannelIdentity): Promise<void> {
  await tx.query(
    `INSERT INTO members.channel_identity (brand_id, channel, app_id, external_id, member_id, union_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [brandId, identity.channel, identity.appId, identity.externalId, memberId, identity.unionId],
  );
}

/** A channel account to look up (memberByIdentity), in one brand or, with brandId null, in every brand the scope reaches. */
export interface IdentityLookup {
  brandId: string | null;
  channel: IdentityChannel;
  appId: string;
  externalId: string;
}

export const identityLookupKey = (k: IdentityLookup) => JSON.stringify([k.brandId, k.channel, k.appId, k.externalId]);

/**
 * The member each channel account is bound to, only in brands the scope reaches (brandFence); where an account is
 * bound in several brands (the platform asking without a brand), the earliest binding (then the brand id) answers.
 * Accounts nobody holds are absent. One statement for all lookups; `key` is identityLookupKey of the lookup.
 */
export async function memberIdsByIdentities(q: Queryable, scope: Scope, lookups: readonly IdentityLookup[]): Promise<{ key: string; memberId: string }[]> {
  const p = new SqlParams();
  const rows = await q.query<{ n: number; memberId: string }>(
    `SELECT DISTINCT ON (k.n) k.n, i.member_id AS "memberId"
       FROM jsonb_to_recordset(${p.add(JSON.stringify(lookups.map((l, n) => ({ n, ...l }))))}::jsonb) AS k(n integer, "brandId" text, channel text, "appId" text, "externalId" text)
       JOIN members.channel_identity i ON i.channel = k.channel AND i.app_id = k."appId" AND i.external_id = k."externalId" AND (k."brandId" IS NULL OR i.brand_id = k."brandId")
      WHERE ${brandFence(scope, p, 'i.brand_id')}
      ORDER BY k.n, i.bound_at, i.brand_id`,
    p.values,
  );
  return rows.map((r) => ({ key: identityLookupKey(lookups[r.n]!), memberId: r.memberId }));
}

/**
 * A member's home store, before a franchisee binds an account to it. Unfenced: only to ask stores who operates the
 * store now (operatorBeforeWrite); nothing of it reaches the caller, whose fence the binding then checks.
 */
export async function homeStoreOfMember(q: Queryable, memberId: string): Promise<string | null> {
  const rows = await q.query<{ storeId: string | null }>(`SELECT home_store_id AS "storeId" FROM members.member WHERE id = $1`, [memberId]);
  return rows[0]?.storeId ?? null;
}

/**
 * The WeCom external contacts (企业微信外部联系人) of members: appId is the corp id, externalId the external_userid.
 * Unfenced: read for members the caller has just moved (members.guide.handover).
 */
export function wecomContactsOf(q: Queryable, memberIds: readonly string[]): Promise<{ memberId: string; corpId: string; externalUserId: string }[]> {
  return q.query(
    `SELECT member_id AS "memberId", app_id AS "corpId", external_id AS "externalUserId" FROM members.channel_identity
      WHERE channel = 'WECOM' AND member_id = ANY($1::text[]) ORDER BY member_id, bound_at`,
    [memberIds],
  );
}
