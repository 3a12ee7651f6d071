import type { Transaction } from '@retail/platform';
import type { Reservation, ReservationLine, ReservationStatus, StockLine } from '../model';
import { lockStockRows, moveReservedStock } from './stock';

// Stock reservations (预占) are internal: only SERVICE callers (reserveStock / releaseStock, whose scope is
// the platform) and the expiry job reach them, so no function here is fenced (each says so).

const COLUMNS = `r.id, r.store_id AS "storeId", r.order_id AS "orderId", r.status,
  to_char(r.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "expiresAt",
  COALESCE((SELECT jsonb_agg(jsonb_build_object('skuId', l.sku_id, 'quantity', l.quantity, 'returnedQuantity', l.returned) ORDER BY l.sku_id)
            FROM products.stock_reservation_line l WHERE l.reservation_id = r.id), '[]'::jsonb) AS lines`;

/** Stores a new reservation with its lines. Unfenced: internal, for the SERVICE-only reserveStock. */
export async function insertReservation(tx: Transaction, r: Reservation): Promise<void> {
  await tx.query(`INSERT INTO products.stock_reservation (id, store_id, order_id, status, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
    r.id,
    r.storeId,
    r.orderId,
    r.status,
    r.expiresAt,
  ]);
  await tx.query(
    `INSERT INTO products.stock_reservation_line (reservation_id, sku_id, quantity) SELECT $1, x.sku_id, x.quantity FROM unnest($2::text[], $3::int[]) AS x(sku_id, quantity)`,
    [r.id, r.lines.map((l) => l.skuId), r.lines.map((l) => l.quantity)],
  );
}

/** Locks a reservation; `overdue` is true for a HELD one past its expiry. Unfenced: internal, for the SERVICE-only releaseStock. */
export async function lockReservation(tx: Transaction, id: string): Promise<(Reservation & { overdue: boolean }) | null> {
  const rows = await tx.query<Reservation & { overdue: boolean }>(
    `SELECT ${COLUMNS}, (r.status = 'HELD' AND r.expires_at <= now()) AS overdue FROM products.stock_reservation r WHERE r.id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

/** Advisory lock class of reservations per order ("rs"), beside the kernel's own classes. */
const ORDER_LOCK_CLASS = 0x7273;

/**
 * Locks the order's reservation, or (when it has none yet) the right to make it, until the transaction
 * ends, so parallel reserveStock calls for one order hold stock once; returns the reservation if there is
 * one, with `overdue` as lockReservation. Unfenced: internal, for the SERVICE-only reserveStock.
 */
export async function lockReservationOfOrder(tx: Transaction, orderId: string): Promise<(Reservation & { overdue: boolean }) | null> {
  await tx.query(`SELECT pg_advisory_xact_lock(${ORDER_LOCK_CLASS}, hashtext($1))`, [orderId]);
  const rows = await tx.query<Reservation & { overdue: boolean }>(
    `SELECT ${COLUMNS}, (r.status = 'HELD' AND r.expires_at <= now()) AS overdue FROM products.stock_reservation r WHERE r.order_id = $1 FOR UPDATE`,
    [orderId],
  );
  return rows[0] ?? null;
}

/**
 * Adds units to the lines' returned counts (a partial RETURN; the caller checked them against what is
 * held). Unfenced: internal, for the SERVICE-only releaseStock, which holds the reservation's lock.
 */
export async function addReturnedUnits(tx: Transaction, id: string, lines: readonly StockLine[]): Promise<void> {
  await tx.query(
    `UPDATE products.stock_reservation_line l SET returned = l.returned + x.quantity
     FROM unnest($2::text[], $3::int[]) AS x(sku_id, quantity) WHERE l.reservation_id = $1 AND l.sku_id = x.sku_id`,
    [id, lines.map((l) => l.skuId), lines.map((l) => l.quantity)],
  );
}

/**
 * Expires one overdue HELD reservation the caller has locked: its held units go back, its status becomes
 * EXPIRED. Unfenced: internal, for the SERVICE-only reserveStock / releaseStock.
 */
export async function expireLockedReservation(tx: Transaction, r: Reservation): Promise<Reservation> {
  await lockStockRows(tx, r.lines.map((l) => ({ storeId: r.storeId, skuId: l.skuId })));
  await moveReservedStock(tx, r, 'EXPIRE');
  await setReservationStatus(tx, r.id, 'EXPIRED');
  return { ...r, status: 'EXPIRED' };
}

/** Unfenced: internal, for the SERVICE-only releaseStock, which holds the reservation's lock. */
export async function setReservationStatus(tx: Transaction, id: string, status: ReservationStatus): Promise<void> {
  await tx.query(`UPDATE products.stock_reservation SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
}

/**
 * Marks overdue HELD reservations EXPIRED (optionally of one store), at most `limit`, skipping ones another
 * transaction holds; returns them with their lines so the caller can give the units back. Unfenced: the
 * expiry job and the SERVICE-only reserveStock sweep every tenant's (or one store's) reservations.
 */
export async function takeOverdueReservations(tx: Transaction, storeId: string | null, limit = 200): Promise<(Reservation & { lines: ReservationLine[] })[]> {
  return tx.query<Reservation>(
    `WITH overdue AS (
       SELECT id FROM products.stock_reservation
       WHERE status = 'HELD' AND expires_at <= now() AND ($1::text IS NULL OR store_id = $1)
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED
     ), expired AS (
       UPDATE products.stock_reservation r SET status = 'EXPIRED', updated_at = now() FROM overdue WHERE r.id = overdue.id RETURNING r.*
     )
     SELECT ${COLUMNS} FROM expired r`,
    [storeId, limit],
  );
}

/**
 * Gives back the units of overdue reservations (of one store, or any), marking them EXPIRED; returns how
 * many. Unfenced: run by the expiry job and by the SERVICE-only reserveStock.
 */
export async function expireOverdue(tx: Transaction, storeId: string | null): Promise<number> {
  const overdue = await takeOverdueReservations(tx, storeId);
  if (overdue.length === 0) return 0;
  await lockStockRows(tx, overdue.flatMap((r) => r.lines.map((l) => ({ storeId: r.storeId, skuId: l.skuId }))));
  // One reservation at a time: two may hold the same stock row, which one UPDATE … FROM would change once only.
  for (const r of overdue) await moveReservedStock(tx, r, 'EXPIRE');
  return overdue.length;
}
