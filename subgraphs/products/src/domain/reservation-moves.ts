import type { Reservation, ReservationStatus, StockChange, StockLine } from '../model';

/** What happens to a reservation's units: held, given back, taken out at pickup (核销), or lapsed. */
export type ReservationMove = 'RESERVE' | 'RETURN' | 'CONSUME' | 'EXPIRE';

/** How each move changes onHand and reserved per unit. */
const MOVES: Record<ReservationMove, { onHand: number; reserved: number }> = {
  RESERVE: { onHand: 0, reserved: 1 },
  RETURN: { onHand: 0, reserved: -1 },
  EXPIRE: { onHand: 0, reserved: -1 },
  CONSUME: { onHand: -1, reserved: -1 },
};

/** The units a reservation still holds, per SKU (lines wholly returned left out). */
export function heldLines(r: Reservation): StockLine[] {
  return r.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity - l.returnedQuantity })).filter((l) => l.quantity > 0);
}

/** The stock changes of a move of some units of a reservation (default: all it holds), one per line at its store. */
export function reservationStockChanges(r: Reservation, move: ReservationMove, lines: readonly StockLine[] = heldLines(r)): StockChange[] {
  const m = MOVES[move];
  return lines.map((l) => ({ storeId: r.storeId, skuId: l.skuId, onHandDelta: m.onHand * l.quantity, reservedDelta: m.reserved * l.quantity }));
}

/** Whether a reservation is for exactly these lines (in any order), whatever was returned of it since. */
export function sameLines(r: Reservation, lines: readonly StockLine[]): boolean {
  const asked = new Map(lines.map((l) => [l.skuId, l.quantity]));
  return asked.size === lines.length && r.lines.length === asked.size && r.lines.every((l) => asked.get(l.skuId) === l.quantity);
}

/**
 * How releaseStock answers a reservation that is no longer HELD (docs/events.md): the outcome it already
 * had is answered again (its status tells); RETURN of a lapsed or released one is done (its units are back);
 * CONSUME of a released or lapsed one is RESERVATION_EXPIRED; RETURN of a consumed one is INVALID_TRANSITION.
 */
export function endedReservationAnswer(status: Exclude<ReservationStatus, 'HELD'>, outcome: 'RETURN' | 'CONSUME'): 'DONE' | 'RESERVATION_EXPIRED' | 'INVALID_TRANSITION' {
  if (outcome === 'RETURN') return status === 'CONSUMED' ? 'INVALID_TRANSITION' : 'DONE';
  return status === 'CONSUMED' ? 'DONE' : 'RESERVATION_EXPIRED';
}
