import { idempotent, InputCheck, requireService, scopeKey, userError, UserErrorException, type UserError } from '@retail/platform';
import { endedReservationAnswer, heldLines } from '../domain/reservation-moves';
import type { ProductsContext } from '../loaders';
import type { Reservation, ReservationStatus, StockLine } from '../model';
import { addReturnedUnits, expireLockedReservation, lockReservation, setReservationStatus } from '../repo/reservations';
import { lockStockRows, moveReservedStock } from '../repo/stock';

export interface ReleaseStockInput {
  idempotencyKey: string;
  reservationId: string;
  outcome: 'RETURN' | 'CONSUME';
  /** RETURN only: give back just these units (a refunded line not collected); the rest stays held. */
  lines?: StockLine[] | null;
}

const MAX_LINES = 100;

function validate(input: ReleaseStockInput): void {
  const check = new InputCheck();
  if (input.lines != null) {
    check.require(input.outcome === 'RETURN', ['input', 'lines'], 'lines are for a partial RETURN only');
    check.require(input.lines.length > 0 && input.lines.length <= MAX_LINES, ['input', 'lines'], `1 to ${MAX_LINES} lines`);
    const seen = new Set<string>();
    input.lines.forEach((l, i) => {
      check.require(!seen.has(l.skuId), ['input', 'lines', String(i), 'skuId'], 'each SKU once');
      seen.add(l.skuId);
      check.require(l.quantity >= 1, ['input', 'lines', String(i), 'quantity'], 'quantity must be at least 1');
    });
  }
  check.done();
}

/** The units of a partial RETURN, checked against what the reservation holds (each line's field path at fault). */
function unitsToReturn(reservation: Reservation, lines: readonly StockLine[]): StockLine[] {
  const held = new Map(heldLines(reservation).map((l) => [l.skuId, l.quantity]));
  const check = new InputCheck();
  lines.forEach((l, i) => {
    const holds = held.get(l.skuId);
    if (holds === undefined) check.fail(['input', 'lines', String(i), 'skuId'], 'the reservation holds no units of this SKU', 'NOT_FOUND');
    else check.require(l.quantity <= holds, ['input', 'lines', String(i), 'quantity'], `the reservation holds only ${holds}`);
  });
  check.done();
  return lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity }));
}

/**
 * releaseStock (internal, SERVICE callers only): RETURN puts the units back (all, or the given `lines`),
 * CONSUME (核销) takes them out of onHand too. A reservation found overdue is expired here (units returned):
 * for RETURN that is done, for CONSUME RESERVATION_EXPIRED. A reservation already ended is answered with its
 * final status (endedReservationAnswer); the userError, if any, comes with it.
 */
export async function releaseStock(ctx: ProductsContext, input: ReleaseStockInput): Promise<{ reservation: Reservation; userErrors: UserError[] }> {
  requireService(ctx.viewer);
  validate(input);
  const { idempotencyKey, ...request } = input;
  const { response } = await idempotent(ctx.db, { schema: 'products', scope: scopeKey(ctx.scope), operation: 'releaseStock', key: idempotencyKey, request }, async (tx) => {
    const found = await lockReservation(tx, input.reservationId);
    if (!found) throw UserErrorException.of('NOT_FOUND', 'no such reservation', ['input', 'reservationId']);
    const { overdue, ...reservation } = found;
    const field = ['input', 'reservationId'];
    if (reservation.status !== 'HELD') {
      const answer = endedReservationAnswer(reservation.status, input.outcome);
      const userErrors = answer === 'DONE' ? [] : [userError(answer, `the reservation is already ${reservation.status}`, field)];
      return { reservation, userErrors };
    }
    if (overdue) {
      // The expiry is kept (not rolled back); a CONSUME learns of it through a userError in the payload.
      const expired = await expireLockedReservation(tx, reservation);
      const userErrors = input.outcome === 'CONSUME' ? [userError('RESERVATION_EXPIRED', 'the reservation expired before it was released', field)] : [];
      return { reservation: expired, userErrors };
    }
    const units = input.lines ? unitsToReturn(reservation, input.lines) : heldLines(reservation);
    await lockStockRows(tx, units.map((l) => ({ storeId: reservation.storeId, skuId: l.skuId })));
    await moveReservedStock(tx, reservation, input.outcome, units);
    if (input.lines) await addReturnedUnits(tx, reservation.id, units);
    const returned = new Map(input.lines ? units.map((l) => [l.skuId, l.quantity]) : []);
    const lines = reservation.lines.map((l) => ({ ...l, returnedQuantity: l.returnedQuantity + (returned.get(l.skuId) ?? 0) }));
    const stillHeld = heldLines({ ...reservation, lines }).length > 0;
    const status: ReservationStatus = input.lines && stillHeld ? 'HELD' : input.outcome === 'RETURN' ? 'RELEASED' : 'CONSUMED';
    if (status !== 'HELD') await setReservationStatus(tx, reservation.id, status);
    return { reservation: { ...reservation, lines, status }, userErrors: [] };
  });
  return response;
}
