import { idempotent, InputCheck, newId, requireService, scopeKey, UserErrorException } from '@retail/platform';
import type { ProductsContext } from '../loaders';
import { sameLines } from '../domain/reservation-moves';
import type { Reservation, StockLine } from '../model';
import { expireLockedReservation, expireOverdue, insertReservation, lockReservationOfOrder } from '../repo/reservations';
import { skuSellability } from '../repo/skus';
import { lockStockRows, moveReservedStock } from '../repo/stock';
import { STORE_DIRECTORY } from '../repo/store-directory';

export interface ReserveStockInput {
  idempotencyKey: string;
  storeId: string;
  orderId: string;
  lines: StockLine[];
  expiresAt?: Date | null;
}

const DEFAULT_HOLD_MS = 30 * 60_000;
const MAX_HOLD_MS = 30 * 86_400_000;
const MAX_LINES = 100;
const MAX_QUANTITY = 10_000;

function validate(input: ReserveStockInput, now: number): { expiresAt: string } {
  const check = new InputCheck();
  check.require(input.orderId.trim().length > 0 && input.orderId.length <= 100, ['input', 'orderId'], 'orderId must be 1 to 100 characters');
  check.require(input.lines.length > 0 && input.lines.length <= MAX_LINES, ['input', 'lines'], `1 to ${MAX_LINES} lines`);
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    check.require(!seen.has(l.skuId), ['input', 'lines', String(i), 'skuId'], 'each SKU once');
    seen.add(l.skuId);
    check.require(l.quantity >= 1 && l.quantity <= MAX_QUANTITY, ['input', 'lines', String(i), 'quantity'], `quantity must be 1 to ${MAX_QUANTITY}`);
  });
  const expires = input.expiresAt ? input.expiresAt.getTime() : now + DEFAULT_HOLD_MS;
  check.require(Number.isFinite(expires) && expires > now && expires <= now + MAX_HOLD_MS, ['input', 'expiresAt'], 'expiresAt must be a date-time in the next 30 days');
  check.done();
  return { expiresAt: new Date(expires).toISOString() };
}

/**
 * reserveStock (internal, SERVICE callers only): holds every line at the store or none. Lines of SKUs not
 * on sale are SKU_NOT_SELLABLE, lines over what is available OUT_OF_STOCK (each with its field path).
 * Overdue reservations of the store are expired first, so their units count as available again.
 * One reservation per order (docs/events.md): when the order has one, the same store and lines get it back
 * as it is now (HELD, or RELEASED / CONSUMED / EXPIRED: never held again; an overdue one is expired first),
 * whatever the idempotencyKey; another store or other lines are CONFLICT.
 */
export async function reserveStock(ctx: ProductsContext, input: ReserveStockInput): Promise<{ reservation: Reservation }> {
  requireService(ctx.viewer);
  const { scope } = ctx;
  const { idempotencyKey, ...request } = input;
  const { expiresAt } = validate(input, Date.now());
  // The request hash leaves out a defaulted expiry, so a retry later on still matches.
  const { response } = await idempotent(ctx.db, { schema: 'products', scope: scopeKey(scope), operation: 'reserveStock', key: idempotencyKey, request }, async (tx) => {
    const existing = await lockReservationOfOrder(tx, input.orderId);
    if (existing) {
      const { overdue, ...reservation } = existing;
      if (reservation.storeId !== input.storeId || !sameLines(reservation, input.lines)) {
        throw UserErrorException.of('CONFLICT', `order ${input.orderId} already has a reservation (${reservation.id}) with another store or other lines`, ['input', 'orderId']);
      }
      return { reservation: overdue ? await expireLockedReservation(tx, reservation) : reservation };
    }
    const store = await STORE_DIRECTORY.withFence(tx, scope, input.storeId);
    if (!store) throw UserErrorException.of('NOT_FOUND', 'no such store', ['input', 'storeId']);
    const skus = new Map((await skuSellability(tx, input.lines.map((l) => l.skuId))).map((s) => [s.id, s]));
    const check = new InputCheck();
    input.lines.forEach((l, i) => {
      const sku = skus.get(l.skuId);
      if (!sku) check.fail(['input', 'lines', String(i), 'skuId'], 'no such SKU', 'NOT_FOUND');
      else if (sku.brandId !== store.brandId) check.fail(['input', 'lines', String(i), 'skuId'], "not sold by the store's brand", 'BRAND_MISMATCH');
      else if (!sku.sellable) check.fail(['input', 'lines', String(i), 'skuId'], 'not on sale', 'SKU_NOT_SELLABLE');
    });
    check.done();
    await expireOverdue(tx, store.storeId);
    const rows = new Map((await lockStockRows(tx, input.lines.map((l) => ({ storeId: store.storeId, skuId: l.skuId })))).map((r) => [r.skuId, r]));
    input.lines.forEach((l, i) => {
      const row = rows.get(l.skuId);
      const available = row ? row.onHand - row.reserved : 0;
      if (available < l.quantity) check.fail(['input', 'lines', String(i), 'quantity'], `only ${available} available`, 'OUT_OF_STOCK');
    });
    check.done();
    const lines = input.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity, returnedQuantity: 0 }));
    const reservation: Reservation = { id: newId('rsv'), storeId: store.storeId, orderId: input.orderId, status: 'HELD', lines, expiresAt };
    await insertReservation(tx, reservation);
    await moveReservedStock(tx, reservation, 'RESERVE');
    return { reservation };
  });
  return response;
}
