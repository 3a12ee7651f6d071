import type { Reservation, StockChange } from '../model';

/** What happens to a reservation's units: held, given back, taken out at pickup (核销), or lapsed. */
export type ReservationMove = 'RESERVE' | 'RETURN' | 'CONSUME' | 'EXPIRE';

/** How each move changes onHand and reserved per unit. */
const MOVES: Record<ReservationMove, { onHand: number; reserved: number }> = {
  RESERVE: { onHand: 0, reserved: 1 },
  RETURN: { onHand: 0, reserved: -1 },
  EXPIRE: { onHand: 0, reserved: -1 },
  CONSUME: { onHand: -1, reserved: -1 },
};

/** The stock changes of a move of a reservation: one per line, at the reservation's store. */
export function reservationStockChanges(r: Reservation, move: ReservationMove): StockChange[] {
  const m = MOVES[move];
  return r.lines.map((l) => ({ storeId: r.storeId, skuId: l.skuId, onHandDelta: m.onHand * l.quantity, reservedDelta: m.reserved * l.quantity }));
}
