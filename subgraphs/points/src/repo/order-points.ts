import type { Transaction } from '@retail/platform';

// What paid orders earned and what their refunds took back (orders.order.paid / orders.order.refunded, earnPoints
// with an orderId). Unfenced: written and read by the event consumers and the SERVICE-only earnPoints.

export interface OrderPoints {
  orderId: string;
  accountId: string;
  earnEntryId: string | null;
  lotId: string | null;
  paidFen: number;
  earned: number;
  reversed: number;
  shortfall: number;
}

const COLUMNS = `order_id AS "orderId", account_id AS "accountId", earn_entry_id AS "earnEntryId", lot_id AS "lotId", paid_fen AS "paidFen", earned, reversed, shortfall`;

/** Advisory lock class of orders' bookings ("po"), beside the kernel's own classes. */
const ORDER_LOCK_CLASS = 0x706f;

/**
 * Serialises the bookings of one order (its payment, its refunds) until the transaction ends: they come on two
 * topics, so their consumers may run at once, and a refund must see the earn (or the earn the refund). Taken before
 * any account lock.
 */
export async function lockOrder(tx: Transaction, orderId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${ORDER_LOCK_CLASS}, hashtext($1))`, [orderId]);
}

/** What an order earned; null when it earned nothing (a guest order, an unknown one). */
export async function orderPoints(tx: Transaction, orderId: string): Promise<OrderPoints | null> {
  const rows = await tx.query<OrderPoints>(`SELECT ${COLUMNS} FROM points.order_points WHERE order_id = $1`, [orderId]);
  return rows[0] ?? null;
}

/** Records what an order earned (at most once per order: the caller holds the account's lock and found none). */
export async function insertOrderPoints(tx: Transaction, o: Omit<OrderPoints, 'reversed' | 'shortfall'>): Promise<void> {
  await tx.query(`INSERT INTO points.order_points (order_id, account_id, earn_entry_id, lot_id, paid_fen, earned) VALUES ($1, $2, $3, $4, $5, $6)`, [
    o.orderId,
    o.accountId,
    o.earnEntryId,
    o.lotId,
    o.paidFen,
    o.earned,
  ]);
}

/** Adds what a refund took back and what it found already spent. */
export async function addTakeBack(tx: Transaction, orderId: string, taken: number, shortfall: number, refundedFen: number): Promise<void> {
  await tx.query(
    `UPDATE points.order_points SET reversed = reversed + $2, shortfall = shortfall + $3, refunded_fen = GREATEST(refunded_fen, $4) WHERE order_id = $1`,
    [orderId, taken, shortfall, refundedFen],
  );
}

/** A refund of an order as orders.order.refunded tells it. */
export interface OrderRefund {
  orderId: string;
  refundId: string;
  paidFen: number;
  /** All refunds of the order so far. */
  refundedFen: number;
  fullyRefunded: boolean;
}

/** Records a refund as applied; false when it was applied before (a refund published twice). */
export async function claimRefund(tx: Transaction, r: OrderRefund): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO points.order_refund (refund_id, order_id, paid_fen, refunded_fen, fully_refunded, taken, shortfall) VALUES ($1, $2, $3, $4, $5, 0, 0)
     ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`,
    [r.refundId, r.orderId, r.paidFen, r.refundedFen, r.fullyRefunded],
  );
  return rows.length > 0;
}

/** What the refunds of an order recorded so far add up to (the latest state: they are cumulative); null when none. */
export async function refundsSoFar(tx: Transaction, orderId: string): Promise<Omit<OrderRefund, 'refundId'> | null> {
  const rows = await tx.query<Omit<OrderRefund, 'refundId'>>(
    `SELECT order_id AS "orderId", max(paid_fen)::bigint AS "paidFen", max(refunded_fen)::bigint AS "refundedFen", bool_or(fully_refunded) AS "fullyRefunded"
       FROM points.order_refund WHERE order_id = $1 GROUP BY order_id`,
    [orderId],
  );
  return rows[0] ?? null;
}

/** What a claimed refund did. */
export async function recordRefund(tx: Transaction, refundId: string, taken: number, shortfall: number): Promise<void> {
  await tx.query(`UPDATE points.order_refund SET taken = $2, shortfall = $3 WHERE refund_id = $1`, [refundId, taken, shortfall]);
}
