import { idempotent, requireService, scopeKey, userError, UserErrorException, type UserError } from '@retail/platform';
import type { ProductsContext } from '../loaders';
import type { Reservation, ReservationStatus } from '../model';
import { lockReservation, setReservationStatus } from '../repo/reservations';
import { lockStockRows, moveReservedStock } from '../repo/stock';

export interface ReleaseStockInput {
  idempotencyKey: string;
  reservationId: string;
  outcome: 'RETURN' | 'CONSUME';
}

/**
 * releaseStock (internal, SERVICE callers only): RETURN puts the units back, CONSUME (核销) takes them out
 * of onHand too. A reservation already ended, or found overdue (then expired here, units returned), is
 * RESERVATION_EXPIRED.
 */
export async function releaseStock(ctx: ProductsContext, input: ReleaseStockInput): Promise<{ reservation: Reservation; userErrors: UserError[] }> {
  requireService(ctx.viewer);
  const { idempotencyKey, ...request } = input;
  const { response } = await idempotent(ctx.db, { schema: 'products', scope: scopeKey(ctx.scope), operation: 'releaseStock', key: idempotencyKey, request }, async (tx) => {
    const found = await lockReservation(tx, input.reservationId);
    if (!found) throw UserErrorException.of('NOT_FOUND', 'no such reservation', ['input', 'reservationId']);
    const { overdue, ...reservation } = found;
    if (reservation.status !== 'HELD') {
      throw UserErrorException.of('RESERVATION_EXPIRED', `the reservation is already ${reservation.status}`, ['input', 'reservationId']);
    }
    await lockStockRows(tx, reservation.lines.map((l) => ({ storeId: reservation.storeId, skuId: l.skuId })));
    const move = overdue ? 'EXPIRE' : input.outcome;
    const status: ReservationStatus = overdue ? 'EXPIRED' : input.outcome === 'RETURN' ? 'RELEASED' : 'CONSUMED';
    await moveReservedStock(tx, reservation, move);
    await setReservationStatus(tx, reservation.id, status);
    // The expiry is kept (not rolled back), so the caller learns of it through a userError in the payload.
    const userErrors = overdue ? [userError('RESERVATION_EXPIRED', 'the reservation expired before it was released', ['input', 'reservationId'])] : [];
    return { reservation: { ...reservation, status }, userErrors };
  });
  return response;
}
