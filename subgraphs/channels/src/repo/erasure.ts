import type { Queryable } from '@retail/platform';

// PIPL erasure (migrations/0004_member_erasure.sql, 0006_account_refs.sql). Written by the members.member.erased
// consumer only, never by a viewer: no Scope (the event is the members subgraph's fact about the member, applied across
// every brand's rows of it).

/** Why an erased member's WeCom transfer that had not ended stops (it cannot be sent without the contact's id). */
export const ERASED_TRANSFER_REASON = 'the member was erased (PIPL): the contact is no longer moved';

/** What an erasure dropped: rows that lost an account (coupons, transfers) or a buyer (pulled records, published events). */
export interface ErasedCopies {
  coupons: number;
  transfers: number;
  records: number;
  events: number;
}

/**
 * Drops the channel accounts copied of the member: its coupons' external_user_id (openid / Alipay user id, the coupon
 * status is no longer refreshed from the provider, which needs it), its WeCom transfers' external_userid (those not
 * ended become FAILED with the reason), and the buyer (the account's ref) of the brand's pulled order records and of
 * the channels.order.upserted events they published, found by the refs of the accounts the member held; ids, amounts
 * and statuses stay. Records the erasure once, and the refs (a record pulled later of an order placed before the
 * erasure is stored without its buyer, see erasedAccountsAmong). Applied twice it changes nothing more. One statement.
 */
export async function eraseMemberAccounts(q: Queryable, e: { memberId: string; brandId: string; erasedAt: string; accountRefs: readonly string[] }): Promise<ErasedCopies> {
  const rows = await q.query<ErasedCopies>(
    `WITH erased AS (
       INSERT INTO channels.erased_member (member_id, brand_id, erased_at) VALUES ($1, $2, $3) ON CONFLICT (member_id) DO NOTHING RETURNING member_id
     ), accounts AS (
       INSERT INTO channels.erased_account (ref, brand_id, erased_at) SELECT ref, $2, $3 FROM unnest($5::text[]) AS ref ON CONFLICT (ref) DO NOTHING RETURNING ref
     ), coupons AS (
       UPDATE channels.channel_coupon SET external_user_id = NULL, updated_at = now()
        WHERE member_id = $1 AND external_user_id IS NOT NULL RETURNING id
     ), transfers AS (
       UPDATE channels.wecom_transfer
          SET external_user_id = NULL,
              status = CASE WHEN status IN ('PENDING', 'WAITING') THEN 'FAILED' ELSE status END,
              last_error = CASE WHEN status IN ('PENDING', 'WAITING') THEN $4 ELSE last_error END,
              lease_id = NULL, lease_until = NULL, updated_at = now()
        WHERE member_id = $1 AND external_user_id IS NOT NULL RETURNING id
     ), records AS (
       UPDATE channels.inbound_event SET facts = jsonb_set(facts, '{order,buyer}', 'null'::jsonb), updated_at = now()
        WHERE facts -> 'order' -> 'buyer' ->> 'ref' = ANY($5::text[]) AND brand_id = $2 RETURNING id
     ), events AS (
       UPDATE channels.outbox SET payload = jsonb_set(payload, '{buyer}', 'null'::jsonb)
        WHERE topic = 'channels.order.upserted' AND payload -> 'buyer' ->> 'ref' = ANY($5::text[]) AND payload ->> 'brandId' = $2 RETURNING id
     )
     SELECT (SELECT count(*) FROM coupons)::int AS coupons, (SELECT count(*) FROM transfers)::int AS transfers,
            (SELECT count(*) FROM records)::int AS records, (SELECT count(*) FROM events)::int AS events`,
    [e.memberId, e.brandId, e.erasedAt, ERASED_TRANSFER_REASON, e.accountRefs],
  );
  return rows[0]!;
}

/** The erasure time of each of these refs that belongs to an erased member (ref → erasedAt). */
export async function erasedAccountsAmong(q: Queryable, refs: readonly string[]): Promise<Map<string, Date>> {
  if (refs.length === 0) return new Map();
  const rows = await q.query<{ ref: string; erasedAt: Date }>(`SELECT ref, erased_at AS "erasedAt" FROM channels.erased_account WHERE ref = ANY($1::text[])`, [refs]);
  return new Map(rows.map((r) => [r.ref, r.erasedAt]));
}
