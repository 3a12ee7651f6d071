import type { Transaction } from '@retail/platform';
import type { OrderPaid, OrderRefunded } from '../domain/order-events';

// The purchases read model (docs/events.md, "orders"): one row per paid order, written by the consumers of
// orders.order.paid and orders.order.refunded. Unfenced: written from the orders subgraph's events, inside the
// consumer's transaction; read for members the fence returned (member-export.ts) or stores it reached
// (member-metrics.ts).

/** Advisory lock class of the purchases read model ("mp"), beside registrations' ("mb") and the kernel's. */
const ORDER_LOCK_CLASS = 0x6d70;

/**
 * Serialises the paid and refunded events of one order until the transaction ends: each statement after it sees
 * what the other committed, so a refund applied while its order's paid event is being inserted is not lost.
 */
async function lockOrder(tx: Transaction, orderId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${ORDER_LOCK_CLASS}, hashtext($1))`, [orderId]);
}

/**
 * The member a purchase belongs to: the end of the member's merged_into chain (the survivor), share-locked until the
 * transaction ends, so a merge of it waits for this purchase and then moves it along (mergeMembers locks its members
 * FOR UPDATE). A merge that committed while we waited moved the survivor on: resolve again. A member members does
 * not know is kept as given.
 */
async function survivorForPurchase(tx: Transaction, memberId: string): Promise<string> {
  for (;;) {
    const rows = await tx.query<{ id: string; mergedInto: string | null }>(
      `SELECT m.id, m.merged_into AS "mergedInto" FROM members.member m
        WHERE m.id = (WITH RECURSIVE chain (id, depth) AS (
                        SELECT $1::text, 0
                        UNION ALL
                        SELECT f.merged_into, c.depth + 1 FROM chain c JOIN members.member f ON f.id = c.id WHERE f.merged_into IS NOT NULL AND c.depth < 64
                      ) SELECT id FROM chain ORDER BY depth DESC LIMIT 1)
        FOR SHARE OF m`,
      [memberId],
    );
    const survivor = rows[0];
    if (!survivor) return memberId;
    if (survivor.mergedInto === null) return survivor.id;
  }
}

/**
 * Records a paid order once: a redelivered or repeated paid event of the order changes nothing. A refund that
 * arrived before it (members.order_refund) is applied at once. Returns the member whose purchases changed (the
 * survivor), or null for a guest's order or an order already recorded.
 */
export async function insertPurchase(tx: Transaction, o: OrderPaid): Promise<string | null> {
  await lockOrder(tx, o.orderId);
  const memberId = o.memberId === null ? null : await survivorForPurchase(tx, o.memberId);
  const rows = await tx.query<{ memberId: string | null }>(
    `INSERT INTO members.purchase (order_id, brand_id, store_id, member_id, guide_id, channel, in_store, paid_fen, refunded_fen, currency, paid_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE((SELECT r.refunded_fen FROM members.order_refund r WHERE r.order_id = $1), 0), $9, $10)
     ON CONFLICT (order_id) DO NOTHING RETURNING member_id AS "memberId"`,
    [o.orderId, o.brandId, o.storeId, memberId, o.guideId, o.channel, o.inStore, o.paidFen, o.currency, o.paidAt],
  );
  return rows[0]?.memberId ?? null;
}

/**
 * Records all refunds of an order so far. Refunded amounts only grow, so the larger of the known and the reported
 * sum wins (a late or repeated refund event changes nothing); the order_refund row keeps it for a paid event still
 * to come. Returns the member whose purchase changed, or null (a guest's order, no change, or no purchase yet).
 */
export async function recordRefund(tx: Transaction, r: OrderRefunded): Promise<string | null> {
  await lockOrder(tx, r.orderId);
  await tx.query(
    `INSERT INTO members.order_refund AS o (order_id, brand_id, refunded_fen, refunded_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (order_id) DO UPDATE SET refunded_fen = EXCLUDED.refunded_fen, refunded_at = EXCLUDED.refunded_at, updated_at = now()
     WHERE o.refunded_fen < EXCLUDED.refunded_fen`,
    [r.orderId, r.brandId, r.refundedFen, r.refundedAt],
  );
  const rows = await tx.query<{ memberId: string | null }>(
    `UPDATE members.purchase SET refunded_fen = $2, updated_at = now() WHERE order_id = $1 AND refunded_fen < $2 RETURNING member_id AS "memberId"`,
    [r.orderId, r.refundedFen],
  );
  return rows[0]?.memberId ?? null;
}
