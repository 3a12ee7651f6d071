import { SqlParams, type Queryable, type Scope } from '@retail/platform';
import type { OrderStatus, PaymentProvider, RefundRecord, RestockState, RestockUnits, SalesChannel } from '../model';
import type { RefundableLine, RefundLineRequest } from '../domain/refund-rules';
import { orderFence } from './orders';
import { isoColumn } from './timestamps';

const COLUMNS = `r.id, r.order_id AS "orderId", r.amount_fen AS "amountFen", r.currency, r.reason, r.status, r.provider,
  r.provider_refund_no AS "providerRefundNo", ${isoColumn('r.requested_at')} AS "requestedAt", ${isoColumn('r.completed_at')} AS "completedAt",
  r.failure_reason AS "failureReason", r.restock, r.restock_state AS "restockState"`;

/** The refunds of orders, oldest first. Unfenced: the orders were fenced when they were read. */
export async function refundsOfOrders(q: Queryable, orderIds: readonly string[]): Promise<RefundRecord[]> {
  return q.query<RefundRecord>(`SELECT ${COLUMNS} FROM orders.refund r WHERE r.order_id = ANY($1::text[]) ORDER BY r.order_id, r.requested_at, r.id`, [orderIds]);
}

/** A refund by id. Unfenced: for the command that just wrote it and for consumers (service facts). */
export async function refundById(q: Queryable, id: string): Promise<RefundRecord | null> {
  const rows = await q.query<RefundRecord>(`SELECT ${COLUMNS} FROM orders.refund r WHERE r.id = $1`, [id]);
  return rows[0] ?? null;
}

/** An order as a refund sees it, locked for the refund's transaction. */
export interface OrderForRefund {
  id: string;
  brandId: string;
  channel: SalesChannel;
  storeId: string | null;
  pickupStoreId: string | null;
  franchiseeId: string | null;
  status: OrderStatus;
  fulfillmentType: 'DELIVERY' | 'STORE_PICKUP';
  paidFen: number;
  refundedFen: number;
  pendingFen: number;
  currency: string;
  /** Delivered or collected (核销): a refund in full is then REFUNDED, else CANCELLED. */
  fulfilled: boolean;
  reservationId: string | null;
  /** How far its stock reservation is settled with products: HELD while units are still reserved. */
  reservationState: string | null;
  /** The provider of its largest payment: a refund goes back through it. Null when nothing was paid. */
  provider: PaymentProvider | null;
  providerTransactionId: string | null;
  lines: RefundableLine[];
}

/**
 * The order inside the caller's scope with what a refund checks (PENDING refunds, lines, the payment's provider);
 * with `lock` its row is locked FOR UPDATE first, so refunds of one order take turns and never exceed what was paid.
 * Two statements (the lock, then the read); null when the order is not in scope.
 */
export async function orderForRefund(q: Queryable, scope: Scope, orderId: string, lock: boolean): Promise<OrderForRefund | null> {
  if (lock) {
    const p = new SqlParams();
    const locked = await q.query(`SELECT o.id FROM orders."order" o WHERE o.id = ${p.add(orderId)} AND ${orderFence(scope, p)} FOR UPDATE`, p.values);
    if (locked.length === 0) return null;
  }
  const p = new SqlParams();
  const rows = await q.query<OrderForRefund>(
    `SELECT o.id, o.brand_id AS "brandId", o.channel, o.store_id AS "storeId", o.pickup_store_id AS "pickupStoreId", o.franchisee_id AS "franchiseeId",
            o.status, o.fulfillment_type AS "fulfillmentType", o.paid_fen AS "paidFen", o.refunded_fen AS "refundedFen", o.currency,
            (o.status = 'COMPLETED' OR o.completed_at IS NOT NULL OR o.picked_up_at IS NOT NULL) AS fulfilled, o.reservation_id AS "reservationId",
            o.reservation_state AS "reservationState",
            (SELECT COALESCE(sum(r.amount_fen), 0) FROM orders.refund r WHERE r.order_id = o.id AND r.status = 'PENDING')::bigint AS "pendingFen",
            y.provider, y.provider_transaction_id AS "providerTransactionId",
            COALESCE((SELECT jsonb_agg(jsonb_build_object('id', l.id, 'skuId', l.sku_id, 'quantity', l.quantity, 'refundedQuantity', l.refunded_quantity) ORDER BY l.position)
                        FROM orders.order_line l WHERE l.order_id = o.id), '[]'::jsonb) AS lines
       FROM orders."order" o
       LEFT JOIN LATERAL (SELECT y.provider, y.provider_transaction_id FROM orders.payment y WHERE y.order_id = o.id ORDER BY y.amount_fen DESC, y.paid_at, y.id LIMIT 1) y ON TRUE
      WHERE o.id = ${p.add(orderId)} AND ${orderFence(scope, p)}`,
    p.values,
  );
  return rows[0] ?? null;
}

export interface NewRefund {
  id: string;
  orderId: string;
  amountFen: number;
  currency: string;
  reason: string | null;
  provider: PaymentProvider;
  providerRefundNo: string | null;
  idempotencyKey: string | null;
  /** Default now; a channel's refund keeps the channel's time. */
  requestedAt?: string | null;
  /** The units it puts back into the store's stock and where that stands (both or neither). */
  restock?: { units: readonly RestockUnits[]; state: RestockState } | null;
}

/**
 * Records a PENDING refund with the lines it takes back, and counts those units as refunded on the order's lines
 * (a PENDING refund's units too: they are promised). One statement; false (and nothing written) when a refund with
 * this id exists already (the demo seed's fixed ids). Unfenced: the caller locked the order inside its scope (or is
 * a consumer applying a channel's facts). A refund that succeeds at once is then completed.
 */
export async function insertRefund(q: Queryable, r: NewRefund, lines: readonly RefundLineRequest[]): Promise<boolean> {
  const rows = await q.query<{ inserted: number }>(
    `WITH refund AS (
       INSERT INTO orders.refund (id, order_id, amount_fen, currency, reason, status, provider, provider_refund_no, requested_at, idempotency_key, restock, restock_state)
       VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, COALESCE($10::timestamptz, now()), $8, $11::jsonb, $12)
       ON CONFLICT (id) DO NOTHING
       RETURNING id
     ), returned AS (
       INSERT INTO orders.refund_line (refund_id, line_id, quantity, restock)
       SELECT refund.id, x."lineId", x.quantity, x.restock FROM refund CROSS JOIN jsonb_to_recordset($9::jsonb) AS x("lineId" text, quantity integer, restock boolean)
       RETURNING line_id, quantity
     ), counted AS (
       UPDATE orders.order_line l SET refunded_quantity = l.refunded_quantity + returned.quantity FROM returned WHERE l.id = returned.line_id RETURNING l.id
     )
     SELECT (SELECT count(*) FROM refund)::int AS inserted, (SELECT count(*) FROM counted)::int AS lines`,
    [
      r.id, r.orderId, r.amountFen, r.currency, r.reason, r.provider, r.providerRefundNo, r.idempotencyKey, JSON.stringify(lines), r.requestedAt ?? null,
      r.restock ? JSON.stringify(r.restock.units) : null, r.restock?.state ?? null,
    ],
  );
  return rows[0]?.inserted === 1;
}

/**
 * The refund a provider confirmed (channels.refund.succeeded), locked: the one with its provider refund number
 * (then it was confirmed already), else `refundId` when the event names it, else the oldest PENDING refund of the
 * order with that provider and amount. Unfenced: a consumer applies the provider's facts.
 */
export async function refundToConfirm(
  q: Queryable,
  m: { orderId: string; provider: string; providerRefundNo: string; amountFen: number; refundId: string | null },
): Promise<RefundRecord | null> {
  const rows = await q.query<RefundRecord>(
    `SELECT ${COLUMNS} FROM orders.refund r
      WHERE r.order_id = $1
        AND ((r.provider = $2 AND r.provider_refund_no = $3)
          OR ($5::text IS NOT NULL AND r.id = $5 AND r.status = 'PENDING')
          OR ($5::text IS NULL AND r.status = 'PENDING' AND r.provider = $2 AND r.amount_fen = $4 AND r.provider_refund_no IS NULL))
      ORDER BY (r.provider_refund_no IS NOT NULL) DESC, r.requested_at, r.id LIMIT 1 FOR UPDATE`,
    [m.orderId, m.provider, m.providerRefundNo, m.amountFen, m.refundId],
  );
  return rows[0] ?? null;
}

/** The order's state once a refund succeeded, for its event and split. */
export interface RefundedOrder {
  id: string;
  brandId: string;
  storeId: string | null;
  memberId: string | null;
  franchiseeId: string | null;
  status: OrderStatus;
  paidFen: number;
  refundedFen: number;
  currency: string;
}

/**
 * Marks a PENDING refund SUCCEEDED (null when it is not PENDING: confirmed already); units it was WAITING to put back
 * become DUE (the return-refunded-stock job returns them). Unfenced: the caller holds the order's lock (refundOrder)
 * or applies a provider's facts (consumer).
 */
export async function markRefundSucceeded(q: Queryable, refundId: string, completedAt: string, providerRefundNo: string | null): Promise<RefundRecord | null> {
  const rows = await q.query<RefundRecord>(
    `UPDATE orders.refund r SET status = 'SUCCEEDED', completed_at = $2::timestamptz, provider_refund_no = COALESCE(r.provider_refund_no, $3),
            restock_state = CASE WHEN r.restock_state = 'WAITING' THEN 'DUE' ELSE r.restock_state END
      WHERE r.id = $1 AND r.status = 'PENDING'
      RETURNING ${COLUMNS}`,
    [refundId, completedAt, providerRefundNo],
  );
  return rows[0] ?? null;
}

/** Adds a SUCCEEDED refund to the order's refunded total and sets its status. Unfenced: see markRefundSucceeded. */
export async function addRefundedToOrder(q: Queryable, orderId: string, amountFen: number, status: (paidFen: number, refundedFen: number, fulfilled: boolean) => OrderStatus): Promise<RefundedOrder> {
  const [before] = await q.query<{ paidFen: number; refundedFen: number; fulfilled: boolean; status: OrderStatus }>(
    `SELECT o.paid_fen AS "paidFen", o.refunded_fen AS "refundedFen", o.status,
            (o.status = 'COMPLETED' OR o.completed_at IS NOT NULL OR o.picked_up_at IS NOT NULL) AS fulfilled
       FROM orders."order" o WHERE o.id = $1 FOR UPDATE`,
    [orderId],
  );
  if (!before) throw new Error(`order ${orderId} is gone`);
  const refunded = before.refundedFen + amountFen;
  const next = status(before.paidFen, refunded, before.fulfilled);
  const rows = await q.query<RefundedOrder>(
    `UPDATE orders."order" o SET refunded_fen = $2, status = $3,
            cancelled_at = CASE WHEN $3 = 'CANCELLED' THEN COALESCE(o.cancelled_at, now()) ELSE o.cancelled_at END,
            cancel_reason = CASE WHEN $3 = 'CANCELLED' THEN COALESCE(o.cancel_reason, 'refunded in full') ELSE o.cancel_reason END,
            updated_at = now()
      WHERE o.id = $1
      RETURNING o.id, o.brand_id AS "brandId", o.store_id AS "storeId", o.member_id AS "memberId", o.franchisee_id AS "franchiseeId", o.status,
                o.paid_fen AS "paidFen", o.refunded_fen AS "refundedFen", o.currency`,
    [orderId, refunded, next],
  );
  return rows[0]!;
}

/**
 * Whether an idempotency key was used already for the operation in this scope (the kernel's orders.idempotency_keys),
 * so a replay skips what the first request did before its transaction. Scoped by the caller's scope key.
 */
export async function idempotencyKeyUsed(q: Queryable, scope: string, operation: string, key: string): Promise<boolean> {
  const rows = await q.query(`SELECT 1 FROM orders.idempotency_keys WHERE scope = $1 AND operation = $2 AND key = $3`, [scope, operation, key]);
  return rows.length > 0;
}

/** The longest refusal reason kept (the providers' codes and messages are short). */
const MAX_FAILURE_REASON = 1000;

/**
 * A PENDING refund the provider refused for good (channels.refund.failed) becomes FAILED at `failedAt` with the
 * provider's reason, and the units it counted on the order's lines are given back, under the order's lock (refunds of
 * one order take turns). Units it was WAITING to put back into stock stay reserved for the order (KEPT); units put
 * back already when the rest of the order was collected are RETURNED_BEFORE_REFUSAL, for staff. False when it is not
 * a PENDING refund of the order (applied already, or settled otherwise): nothing changes. Unfenced: a consumer
 * applies the provider's facts.
 */
export async function markRefundFailed(q: Queryable, f: { orderId: string; refundId: string; failedAt: string; reason: string | null }): Promise<boolean> {
  const locked = await q.query(`SELECT o.id FROM orders."order" o WHERE o.id = $1 FOR UPDATE`, [f.orderId]);
  if (locked.length === 0) return false;
  const rows = await q.query<{ failed: number }>(
    `WITH failed AS (
       UPDATE orders.refund r SET status = 'FAILED', completed_at = $3::timestamptz, failure_reason = $4,
              restock_state = CASE r.restock_state WHEN 'WAITING' THEN 'KEPT' WHEN 'RETURNED' THEN 'RETURNED_BEFORE_REFUSAL' ELSE r.restock_state END
        WHERE r.id = $2 AND r.order_id = $1 AND r.status = 'PENDING' RETURNING r.id
     ), given_back AS (
       UPDATE orders.order_line l SET refunded_quantity = l.refunded_quantity - x.quantity
         FROM (SELECT rl.line_id, sum(rl.quantity)::int AS quantity FROM orders.refund_line rl JOIN failed ON failed.id = rl.refund_id GROUP BY rl.line_id) x
        WHERE l.id = x.line_id RETURNING l.id
     )
     SELECT (SELECT count(*) FROM failed)::int AS failed, (SELECT count(*) FROM given_back)::int AS lines`,
    [f.orderId, f.refundId, f.failedAt, f.reason === null ? null : f.reason.slice(0, MAX_FAILURE_REASON)],
  );
  return rows[0]?.failed === 1;
}

/** A refund whose units are to go back into the store's stock, with its order's reservation as it stands. */
export interface RestockToReturn {
  refundId: string;
  orderId: string;
  orderStatus: OrderStatus;
  reservationId: string | null;
  reservationState: string | null;
  units: RestockUnits[];
}

const RESTOCK_COLUMNS = `r.id AS "refundId", r.order_id AS "orderId", o.status AS "orderStatus", o.reservation_id AS "reservationId",
  o.reservation_state AS "reservationState", r.restock AS units`;

/**
 * Refunds whose units are DUE to go back (the provider confirmed them), oldest first, locked while they are read and
 * skipping those another runner holds (the calls to products happen after, outside any transaction). Unfenced: the
 * return-refunded-stock job acts for the platform.
 */
export async function lockDueRestocks(tx: Queryable, limit: number): Promise<RestockToReturn[]> {
  return tx.query<RestockToReturn>(
    `SELECT ${RESTOCK_COLUMNS} FROM orders.refund r JOIN orders."order" o ON o.id = r.order_id
      WHERE r.restock_state = 'DUE' ORDER BY r.completed_at, r.id LIMIT $1 FOR UPDATE OF r SKIP LOCKED`,
    [limit],
  );
}

/** An order's refunds whose units have not gone back yet (WAITING for the provider, or DUE). Unfenced: the caller fenced the order. */
export async function restocksNotReturned(q: Queryable, orderId: string): Promise<RestockToReturn[]> {
  return q.query<RestockToReturn>(
    `SELECT ${RESTOCK_COLUMNS} FROM orders.refund r JOIN orders."order" o ON o.id = r.order_id
      WHERE r.order_id = $1 AND r.restock_state IN ('WAITING', 'DUE') ORDER BY r.requested_at, r.id`,
    [orderId],
  );
}

/**
 * What became of a refund's units once products answered: RETURNED or NOT_RETURNED, written only while they are still
 * WAITING or DUE (a parallel runner, or the refusal, may have settled them). Unfenced: see lockDueRestocks.
 */
export async function settleRestock(q: Queryable, refundId: string, state: 'RETURNED' | 'NOT_RETURNED'): Promise<void> {
  await q.query(`UPDATE orders.refund SET restock_state = $2 WHERE id = $1 AND restock_state IN ('WAITING', 'DUE')`, [refundId, state]);
}
