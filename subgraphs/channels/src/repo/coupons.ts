import { fenceSql, fetchPagesByParent, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';

// Channel coupons (migrations/0003_outbound.sql). Fenced like the member they belong to: the platform, the brand's
// admins, the staff of the member's home store (as it was when issued), the member itself.

export type ChannelCouponStatus = 'ISSUED' | 'REDEEMED' | 'EXPIRED';

export interface CouponRecord {
  id: string;
  connectionId: string;
  brandId: string;
  memberId: string;
  provider: 'WECHAT_PAY' | 'ALIPAY';
  campaignId: string;
  providerCouponId: string | null;
  status: ChannelCouponStatus;
  issuedAt: Date;
  redeemedAt: Date | null;
  redeemedStoreId: string | null;
}

const COLUMNS = `c.id, c.connection_id AS "connectionId", c.brand_id AS "brandId", c.member_id AS "memberId", c.provider, c.campaign_id AS "campaignId",
  c.provider_coupon_id AS "providerCouponId", c.status, c.issued_at AS "issuedAt", c.redeemed_at AS "redeemedAt", c.redeemed_store_id AS "redeemedStoreId"`;

const fence = (scope: Scope, p: SqlParams) => fenceSql(scope, { brand: 'c.brand_id', store: 'c.home_store_id', member: 'c.member_id' }, p);

export function couponsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<CouponRecord[]> {
  const p = new SqlParams();
  return q.query<CouponRecord>(`SELECT ${COLUMNS} FROM channels.channel_coupon c WHERE c.id = ANY(${p.add(ids)}::text[]) AND ${fence(scope, p)}`, p.values);
}

/** Member.coupons for many members at once (one statement), newest first. */
export function couponsOfMembers(q: Queryable, scope: Scope, memberIds: readonly string[], page: PageRequest): Promise<Map<string, Page<CouponRecord>>> {
  const p = new SqlParams();
  return fetchPagesByParent<CouponRecord>(
    q,
    p,
    { columns: COLUMNS, from: 'channels.channel_coupon c', where: fence(scope, p), sort: [timestampSortKey('c.issued_at'), 'c.id'], descending: true, parent: 'c.member_id' },
    memberIds,
    page,
  );
}

export interface NewCoupon {
  id: string;
  connectionId: string;
  brandId: string;
  memberId: string;
  homeStoreId: string | null;
  provider: 'WECHAT_PAY' | 'ALIPAY';
  campaignId: string;
  appId: string;
  externalUserId: string;
  outRequestNo: string;
  providerCouponId: string;
}

/**
 * Records an issued coupon; the same provider request (connection, out_request_no) again returns the coupon
 * recorded first. Unfenced: the caller (issue command) has checked the member and the connection in its scope.
 */
export async function recordCoupon(q: Queryable, c: NewCoupon): Promise<string> {
  const rows = await q.query<{ id: string }>(
    `WITH ins AS (
       INSERT INTO channels.channel_coupon (id, connection_id, brand_id, member_id, home_store_id, provider, campaign_id, app_id, external_user_id, out_request_no, provider_coupon_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (connection_id, out_request_no) DO NOTHING RETURNING id)
     SELECT id FROM ins UNION ALL SELECT id FROM channels.channel_coupon WHERE connection_id = $2 AND out_request_no = $10 LIMIT 1`,
    [c.id, c.connectionId, c.brandId, c.memberId, c.homeStoreId, c.provider, c.campaignId, c.appId, c.externalUserId, c.outRequestNo, c.providerCouponId],
  );
  return rows[0]!.id;
}

/** The coupon locked for redemption, inside the scope. */
export async function lockCoupon(q: Queryable, scope: Scope, id: string): Promise<(CouponRecord & { homeStoreId: string | null }) | null> {
  const p = new SqlParams();
  const rows = await q.query<CouponRecord & { homeStoreId: string | null }>(
    `SELECT ${COLUMNS}, c.home_store_id AS "homeStoreId" FROM channels.channel_coupon c WHERE c.id = ${p.add(id)} AND ${fence(scope, p)} FOR UPDATE OF c`,
    p.values,
  );
  return rows[0] ?? null;
}

/** ISSUED → REDEEMED (at a store, or as the provider reports); the caller holds the row's lock or checks the status. */
export async function markCouponRedeemed(q: Queryable, id: string, at: string, storeId: string | null): Promise<boolean> {
  const rows = await q.query(
    `UPDATE channels.channel_coupon SET status = 'REDEEMED', redeemed_at = $2, redeemed_store_id = $3, updated_at = now() WHERE id = $1 AND status = 'ISSUED' RETURNING id`,
    [id, at, storeId],
  );
  return rows.length > 0;
}

/** A coupon whose state is to be asked of the provider (the refresh job; no viewer). */
export interface CouponToCheck {
  id: string;
  provider: 'WECHAT_PAY' | 'ALIPAY';
  connectionId: string;
  appId: string;
  externalUserId: string;
  providerCouponId: string;
}

/**
 * Claims up to `limit` ISSUED coupons due a check, moving their next check `nextInMs` on (parallel runs skip them). A
 * coupon of an erased member is not asked after: the provider's query needs the account erasure dropped.
 */
export function claimCouponsToCheck(q: Queryable, limit: number, nextInMs: number): Promise<CouponToCheck[]> {
  return q.query<CouponToCheck>(
    `UPDATE channels.channel_coupon SET next_check_at = now() + make_interval(secs => $2::float8 / 1000)
      WHERE id IN (SELECT id FROM channels.channel_coupon WHERE status = 'ISSUED' AND provider_coupon_id IS NOT NULL AND external_user_id IS NOT NULL AND next_check_at <= now()
                    ORDER BY next_check_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, provider, connection_id AS "connectionId", app_id AS "appId", external_user_id AS "externalUserId", provider_coupon_id AS "providerCouponId"`,
    [limit, nextInMs],
  );
}

/** ISSUED → EXPIRED as the provider reports. */
export async function markCouponExpired(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE channels.channel_coupon SET status = 'EXPIRED', updated_at = now() WHERE id = $1 AND status = 'ISSUED'`, [id]);
}
