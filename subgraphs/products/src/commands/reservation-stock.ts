import { forbidden, type Transaction, type Viewer } from '@retail/platform';
import type { Reservation } from '../model';
import { applyStockChanges, lockStockRows, recordMovements, type StockChange } from '../store/stock';
import { takeOverdueReservations } from '../store/reservations';

/** reserveStock / releaseStock are internal: only a signed SERVICE caller (the orders subgraph). */
export function assertService(viewer: Viewer): void {
  if (viewer.role !== 'SERVICE') throw forbidden('internal mutation: SERVICE callers only');
}

export type ReservationMove = 'RESERVE' | 'RETURN' | 'CONSUME' | 'EXPIRE';

/** How each move changes onHand and reserved per unit. */
const MOVES: Record<ReservationMove, { onHand: number; reserved: number }> = {
  RESERVE: { onHand: 0, reserved: 1 },
  RETURN: { onHand: 0, reserved: -1 },
  EXPIRE: { onHand: 0, reserved: -1 },
  CONSUME: { onHand: -1, reserved: -1 },
};

/** Applies a reservation's lines to stock (rows must exist and be locked) and writes the ledger. */
export async function moveReservedStock(tx: Transaction, r: Reservation, move: ReservationMove): Promise<void> {
  const m = MOVES[move];
  const changes: StockChange[] = r.lines.map((l) => ({ storeId: r.storeId, skuId: l.skuId, onHandDelta: m.onHand * l.quantity, reservedDelta: m.reserved * l.quantity }));
  const after = await applyStockChanges(tx, changes);
  const afterBySku = new Map(after.map((a) => [a.skuId, a]));
  await recordMovements(
    tx,
    changes.map((c) => ({ ...c, reason: move, note: `order ${r.orderId}`, after: afterBySku.get(c.skuId)!, actor: 'SERVICE', reservationId: r.id })),
  );
}

/** Gives back the units of overdue reservations (of one store, or any), marking them EXPIRED. */
export async function expireOverdue(tx: Transaction, storeId: string | null): Promise<number> {
  const overdue = await takeOverdueReservations(tx, storeId);
  if (overdue.length === 0) return 0;
  await lockStockRows(tx, overdue.flatMap((r) => r.lines.map((l) => ({ storeId: r.storeId, skuId: l.skuId }))));
  for (const r of overdue) await moveReservedStock(tx, r, 'EXPIRE');
  return overdue.length;
}
