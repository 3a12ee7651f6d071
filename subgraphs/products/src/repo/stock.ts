import { SqlParams, storeFence, type Queryable, type Scope, type Transaction } from '@retail/platform';
import { reservationStockChanges, type ReservationMove } from '../domain/reservation-moves';
import type { Quantities, Reservation, StockChange, StockLevel, StockLine, StoreSku } from '../model';
import { STORE_DIRECTORY } from './store-directory';

// Stock is read by everybody (available is public, docs/architecture.md §4) with the store's fence deciding
// whether onHand / reserved show. The writes below are unfenced: their callers (adjustStock, which checked
// the store's fence and runsStores; the SERVICE-only reserveStock / releaseStock; the expiry job) have decided.

/**
 * Stock of (store, SKU) pairs in one statement for any number of pairs; a pair without a row has 0.
 * `staffVisible` says whether the scope may see onHand / reserved (the store's fence), computed in SQL.
 */
export function stockFor(q: Queryable, scope: Scope, pairs: readonly StoreSku[]): Promise<StockLevel[]> {
  const p = new SqlParams();
  const stores = p.add(pairs.map((k) => k.storeId));
  const skus = p.add(pairs.map((k) => k.skuId));
  return q.query<StockLevel>(
    `SELECT k.store_id AS "storeId", k.sku_id AS "skuId", COALESCE(st.on_hand, 0) AS "onHand", COALESCE(st.reserved, 0) AS "reserved",
       COALESCE(${storeFence(scope, p, STORE_DIRECTORY.table, 'd')}, FALSE) AS "staffVisible"
     FROM unnest(${stores}::text[], ${skus}::text[]) AS k(store_id, sku_id)
     LEFT JOIN products.stock st ON st.store_id = k.store_id AND st.sku_id = k.sku_id
     LEFT JOIN products.store_directory d ON d.store_id = k.store_id`,
    p.values,
  );
}

/**
 * Changes onHand by `delta` in one conditional statement (the row lock makes parallel changes exact).
 * Returns null, changing nothing, when onHand would fall below reserved (or below 0). Unfenced: adjustStock
 * has checked the store.
 */
export async function changeOnHand(tx: Transaction, key: StoreSku, delta: number): Promise<Quantities | null> {
  const rows =
    delta > 0
      ? await tx.query<Quantities>(
          `INSERT INTO products.stock AS st (store_id, sku_id, on_hand) VALUES ($1, $2, $3)
           ON CONFLICT (store_id, sku_id) DO UPDATE SET on_hand = st.on_hand + EXCLUDED.on_hand, updated_at = now()
           RETURNING on_hand AS "onHand", reserved`,
          [key.storeId, key.skuId, delta],
        )
      : await tx.query<Quantities>(
          `UPDATE products.stock SET on_hand = on_hand + $3, updated_at = now()
           WHERE store_id = $1 AND sku_id = $2 AND on_hand + $3 >= reserved
           RETURNING on_hand AS "onHand", reserved`,
          [key.storeId, key.skuId, delta],
        );
  return rows[0] ?? null;
}

export interface StockMovement extends StoreSku {
  onHandDelta: number;
  reservedDelta: number;
  reason: string;
  note: string | null;
  after: Quantities;
  actor: string;
  reservationId: string | null;
}

/** Appends movements to the ledger (one statement for any number). Unfenced: written with the change it records. */
export async function recordMovements(tx: Transaction, movements: readonly StockMovement[]): Promise<void> {
  await tx.query(
    `INSERT INTO products.stock_movement (store_id, sku_id, on_hand_delta, reserved_delta, reason, note, on_hand_after, reserved_after, actor, reservation_id)
     SELECT x.store_id, x.sku_id, x.on_hand_delta, x.reserved_delta, x.reason, x.note, x.on_hand_after, x.reserved_after, x.actor, x.reservation_id
     FROM jsonb_to_recordset($1::jsonb) AS x(store_id text, sku_id text, on_hand_delta integer, reserved_delta integer, reason text, note text,
       on_hand_after integer, reserved_after integer, actor text, reservation_id text)`,
    [
      JSON.stringify(
        movements.map((m) => ({
          store_id: m.storeId,
          sku_id: m.skuId,
          on_hand_delta: m.onHandDelta,
          reserved_delta: m.reservedDelta,
          reason: m.reason,
          note: m.note,
          on_hand_after: m.after.onHand,
          reserved_after: m.after.reserved,
          actor: m.actor,
          reservation_id: m.reservationId,
        })),
      ),
    ],
  );
}

/**
 * Locks the rows of the pairs in a fixed order (store, SKU), so that transactions touching several rows
 * never deadlock; returns the quantities of the rows that exist. Unfenced: for the internal reservation moves.
 */
export async function lockStockRows(tx: Transaction, pairs: readonly StoreSku[]): Promise<(StoreSku & Quantities)[]> {
  return tx.query<StoreSku & Quantities>(
    `SELECT st.store_id AS "storeId", st.sku_id AS "skuId", st.on_hand AS "onHand", st.reserved
     FROM products.stock st JOIN unnest($1::text[], $2::text[]) AS k(store_id, sku_id) ON st.store_id = k.store_id AND st.sku_id = k.sku_id
     ORDER BY st.store_id, st.sku_id FOR UPDATE OF st`,
    [pairs.map((k) => k.storeId), pairs.map((k) => k.skuId)],
  );
}

/** Applies changes to existing (locked) rows in one statement; returns the new quantities. Unfenced: for the internal reservation moves. */
export async function applyStockChanges(tx: Transaction, changes: readonly StockChange[]): Promise<(StoreSku & Quantities)[]> {
  if (changes.length === 0) return [];
  return tx.query<StoreSku & Quantities>(
    `UPDATE products.stock st SET on_hand = st.on_hand + x.d_on_hand, reserved = st.reserved + x.d_reserved, updated_at = now()
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS x(store_id, sku_id, d_on_hand, d_reserved)
     WHERE st.store_id = x.store_id AND st.sku_id = x.sku_id
     RETURNING st.store_id AS "storeId", st.sku_id AS "skuId", st.on_hand AS "onHand", st.reserved`,
    [changes.map((c) => c.storeId), changes.map((c) => c.skuId), changes.map((c) => c.onHandDelta), changes.map((c) => c.reservedDelta)],
  );
}

/**
 * Applies a move of a reservation's units (default: all it holds) to stock (the rows must exist and be
 * locked) and writes the ledger. Unfenced: reservations are internal (SERVICE callers and the expiry job).
 */
export async function moveReservedStock(tx: Transaction, r: Reservation, move: ReservationMove, lines?: readonly StockLine[]): Promise<void> {
  const changes = reservationStockChanges(r, move, lines);
  if (changes.length === 0) return;
  const after = await applyStockChanges(tx, changes);
  const afterBySku = new Map(after.map((a) => [a.skuId, a]));
  await recordMovements(
    tx,
    changes.map((c) => ({ ...c, reason: move, note: `order ${r.orderId}`, after: afterBySku.get(c.skuId)!, actor: 'SERVICE', reservationId: r.id })),
  );
}
