import type { Queryable } from '@retail/platform';
import type { OrderStatus } from '../model';

// Tmall and JD orders (channels.order.upserted, docs/events.md) and the member events that touch orders. Every
// function here is unfenced: they are written by consumers applying other subgraphs' facts (docs/architecture.md §6).

/** The advisory lock class of a channel order's (channel, externalOrderId): "oc"; one database may hold every subgraph. */
const CHANNEL_ORDER_LOCK_CLASS = 0x6f63;

/** A stored channel order as the upsert sees it. */
export interface StoredChannelOrder {
  id: string;
  status: OrderStatus;
  channelUpdatedAt: string;
  paidFen: number;
  refundedFen: number;
  pendingFen: number;
}

/**
 * The channel order with this (channel, externalOrderId), after taking a transaction lock on that pair, so two
 * deliveries of a new order never insert it twice; null when it is new. Two statements.
 */
export async function lockChannelOrder(tx: Queryable, channel: string, externalOrderId: string): Promise<StoredChannelOrder | null> {
  await tx.query(`SELECT pg_advisory_xact_lock(${CHANNEL_ORDER_LOCK_CLASS}, hashtext($1))`, [`${channel}:${externalOrderId}`]);
  const rows = await tx.query<StoredChannelOrder>(
    `SELECT o.id, o.status, to_char(c.channel_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "channelUpdatedAt",
            o.paid_fen AS "paidFen", o.refunded_fen AS "refundedFen",
            (SELECT COALESCE(sum(r.amount_fen), 0) FROM orders.refund r WHERE r.order_id = o.id AND r.status = 'PENDING')::bigint AS "pendingFen"
       FROM orders."order" o JOIN orders.channel_order c ON c.order_id = o.id
      WHERE o.channel = $1 AND o.external_order_id = $2 FOR UPDATE OF o`,
    [channel, externalOrderId],
  );
  return rows[0] ?? null;
}

/** One line of a channel order, priced by the channel. */
export interface ChannelOrderLine {
  skuId: string | null;
  title: string;
  quantity: number;
  unitPriceFen: number;
}

export interface NewChannelOrder {
  id: string;
  brandId: string;
  channel: string;
  externalOrderId: string;
  memberId: string | null;
  storeId: string | null;
  status: OrderStatus;
  totalFen: number;
  /** 0 unless the channel took the money. */
  paidFen: number;
  currency: string;
  placedAt: string;
  paidAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  lines: ChannelOrderLine[];
  connectionId: string;
  externalStatus: string | null;
  /** The buyer's account as its keyed ref (channels.order.upserted buyer), never its id. */
  buyer: { channel: string | null; appId: string | null; ref: string | null } | null;
  updatedAt: string;
}

/**
 * Inserts a channel order with its lines, its payment (provider = the channel, its transaction id = the channel's
 * order id) when paid, and its origin; the operator is the store's operator now, from orders' store directory. The
 * buyer is left out when its account belongs to a member erased after the order was placed (orders.erased_account).
 * One statement.
 */
export async function insertChannelOrder(tx: Queryable, o: NewChannelOrder): Promise<void> {
  await tx.query(
    `WITH placed AS (
       INSERT INTO orders."order" (id, brand_id, channel, external_order_id, member_id, store_id, franchisee_id, status, fulfillment_type,
                                   total_fen, paid_fen, currency, placed_at, paid_at, completed_at, cancelled_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, (SELECT d.franchisee_id FROM orders.store_directory d WHERE d.store_id = $6 AND d.brand_id = $2), $7, 'DELIVERY',
               $8, $9, $10, $11::timestamptz, $12::timestamptz, $13::timestamptz, $14::timestamptz, now())
       RETURNING id
     ), lines AS (
       INSERT INTO orders.order_line (id, order_id, position, sku_id, title, quantity, unit_price_fen, line_total_fen)
       SELECT (SELECT id FROM placed) || '-' || x.ord, (SELECT id FROM placed), x.ord, x.line->>'skuId', x.line->>'title', (x.line->>'quantity')::int,
              (x.line->>'unitPriceFen')::bigint, (x.line->>'quantity')::bigint * (x.line->>'unitPriceFen')::bigint
         FROM jsonb_array_elements($15::jsonb) WITH ORDINALITY AS x(line, ord)
       RETURNING id
     ), paid AS (
       INSERT INTO orders.payment (id, order_id, provider, provider_transaction_id, amount_fen, currency, paid_at)
       SELECT 'pay-' || (SELECT id FROM placed), (SELECT id FROM placed), $3, $4, $9, $10, $12::timestamptz WHERE $9 > 0 AND $12::timestamptz IS NOT NULL
       RETURNING id
     ), buyer AS (
       SELECT $20::text AS ref WHERE $20::text IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM orders.erased_account e WHERE e.ref = $20::text AND e.erased_at >= $11::timestamptz)
     )
     INSERT INTO orders.channel_order (order_id, connection_id, external_status, buyer_channel, buyer_app_id, buyer_ref, channel_updated_at)
     SELECT id, $16, $17, CASE WHEN (SELECT ref FROM buyer) IS NOT NULL THEN $18 END, CASE WHEN (SELECT ref FROM buyer) IS NOT NULL THEN $19 END, (SELECT ref FROM buyer), $21::timestamptz FROM placed`,
    [
      o.id, o.brandId, o.channel, o.externalOrderId, o.memberId, o.storeId, o.status, o.totalFen, o.paidFen, o.currency, o.placedAt, o.paidAt, o.completedAt,
      o.cancelledAt, JSON.stringify(o.lines), o.connectionId, o.externalStatus, o.buyer?.channel ?? null, o.buyer?.appId ?? null, o.buyer?.ref ?? null, o.updatedAt,
    ],
  );
}

/** The channel's newer facts about a stored order: its origin row always, its status when the machine allowed it. */
export async function updateChannelOrder(
  tx: Queryable,
  u: { orderId: string; status: OrderStatus | null; completedAt: string | null; externalStatus: string | null; updatedAt: string },
): Promise<void> {
  await tx.query(
    `WITH origin AS (
       UPDATE orders.channel_order SET external_status = $4, channel_updated_at = $5::timestamptz WHERE order_id = $1
     )
     UPDATE orders."order" o SET status = COALESCE($2, o.status),
            completed_at = CASE WHEN $2 = 'COMPLETED' THEN COALESCE(o.completed_at, $3::timestamptz) ELSE o.completed_at END,
            cancelled_at = CASE WHEN $2 = 'CANCELLED' THEN COALESCE(o.cancelled_at, $5::timestamptz) ELSE o.cancelled_at END,
            updated_at = now()
      WHERE o.id = $1`,
    [u.orderId, u.status, u.completedAt, u.externalStatus, u.updatedAt],
  );
}

/** The unrefunded units of an order's lines (what a refund in full takes back). */
export async function unrefundedLines(tx: Queryable, orderId: string): Promise<{ lineId: string; quantity: number }[]> {
  return tx.query<{ lineId: string; quantity: number }>(
    `SELECT l.id AS "lineId", l.quantity - l.refunded_quantity AS quantity FROM orders.order_line l WHERE l.order_id = $1 AND l.quantity > l.refunded_quantity ORDER BY l.position`,
    [orderId],
  );
}

/** members.member.merged: the merged member's orders of the brand now belong to the survivor. Returns how many moved. */
export async function rePointMemberOrders(tx: Queryable, brandId: string, mergedId: string, survivorId: string): Promise<number> {
  const rows = await tx.query(`UPDATE orders."order" SET member_id = $3, updated_at = now() WHERE brand_id = $1 AND member_id = $2 RETURNING id`, [brandId, mergedId, survivorId]);
  return rows.length;
}

/**
 * members.member.erased: orders keeps the member's orders and amounts (ledgers and settlement stay intact) and drops
 * the one piece of personal data it copied: the buyer's channel account on its channel orders, those of the member
 * and those whose buyer is one of the accounts it held (by ref: channels names no member on a pulled order). The
 * refs are kept as erased accounts, so an order of them placed before the erasure that arrives later is stored
 * without its buyer (insertChannelOrder). One statement.
 */
export async function forgetBuyerAccounts(tx: Queryable, e: { brandId: string; memberId: string; accountRefs: readonly string[]; erasedAt: string }): Promise<void> {
  await tx.query(
    `WITH erased AS (
       INSERT INTO orders.erased_account (ref, brand_id, erased_at) SELECT ref, $1, $4::timestamptz FROM unnest($3::text[]) AS ref ON CONFLICT (ref) DO NOTHING
     )
     UPDATE orders.channel_order c SET buyer_channel = NULL, buyer_app_id = NULL, buyer_external_id = NULL, buyer_ref = NULL
      WHERE c.order_id IN (
        SELECT o.id FROM orders."order" o WHERE o.brand_id = $1 AND o.member_id = $2
        UNION ALL
        SELECT b.order_id FROM orders.channel_order b JOIN orders."order" o ON o.id = b.order_id WHERE b.buyer_ref = ANY($3::text[]) AND o.brand_id = $1
      )`,
    [e.brandId, e.memberId, e.accountRefs, e.erasedAt],
  );
}
