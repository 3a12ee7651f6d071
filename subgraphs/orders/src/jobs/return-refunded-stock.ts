import type { Job } from '@retail/platform';
import { refundReturnKey, releaseStock } from '../peers';
import { lockDueRestocks, settleRestock, type RestockToReturn } from '../repo/refunds';
import { settleReservation, type SettleDeps } from './settle-reservations';

/**
 * Puts a refund's units back into the store's stock at products (docs/events.md, "Refunds") and records the answer on
 * the refund. Called outside any transaction, by the job once the provider confirmed the refund, or by confirmPickup
 * before the rest of the order is handed over. The units go back under the refund's own products key
 * (peers.ts refundReturnKey), so the job, a pickup and their retries return them once; when the refund leaves nothing
 * to collect (the order is CANCELLED or REFUNDED) the whole reservation ends under the order's key, as a cancel does.
 * A reservation that ended already: its units are back (RETURNED, EXPIRED) or left with the customer (CONSUMED:
 * NOT_RETURNED, the store corrects its stock). Returns what was recorded, or null when products could not be reached
 * (the refund stays as it was, for the next run).
 */
export async function returnRefundUnits(deps: SettleDeps, r: RestockToReturn): Promise<'RETURNED' | 'NOT_RETURNED' | null> {
  let state: 'RETURNED' | 'NOT_RETURNED';
  if (!r.reservationId || r.reservationState === 'CONSUMED') state = 'NOT_RETURNED';
  else if (r.reservationState !== 'HELD') state = 'RETURNED';
  else if (r.orderStatus === 'CANCELLED' || r.orderStatus === 'REFUNDED') {
    if (!(await settleReservation(deps, r.orderId, r.reservationId, 'RETURN'))) return null;
    state = 'RETURNED';
  } else {
    let answer;
    try {
      answer = await releaseStock(deps.peers, { idempotencyKey: refundReturnKey(r.refundId), reservationId: r.reservationId, outcome: 'RETURN', lines: r.units });
    } catch (err) {
      deps.logger.warn({ err, refundId: r.refundId, orderId: r.orderId }, 'products did not take the refunded units back; retried');
      return null;
    }
    if (answer.userErrors.length > 0) deps.logger.warn({ refundId: r.refundId, orderId: r.orderId, userErrors: answer.userErrors }, 'products refused the refunded units; the store corrects its stock');
    state = answer.userErrors.length > 0 ? 'NOT_RETURNED' : 'RETURNED';
  }
  await settleRestock(deps.db, r.refundId, state);
  return state;
}

/** Refunds settled per run. */
const BATCH = 100;

/**
 * Returns the units of refunds the provider confirmed (restock DUE). Runners in parallel mostly take different rows
 * (FOR UPDATE SKIP LOCKED while reading); when two do call products for one refund, its key makes the second call a
 * replay, so nothing goes back twice (docs/architecture.md §9).
 */
export const returnRefundedStockJob: Job = {
  name: 'return-refunded-stock',
  everyMs: 30_000,
  async run(deps) {
    const due = await deps.db.transaction((tx) => lockDueRestocks(tx, BATCH));
    let returned = 0;
    let notReturned = 0;
    for (const r of due) {
      const state = await returnRefundUnits(deps, r);
      if (state === 'RETURNED') returned++;
      else if (state === 'NOT_RETURNED') notReturned++;
    }
    return { returned, notReturned };
  },
};
