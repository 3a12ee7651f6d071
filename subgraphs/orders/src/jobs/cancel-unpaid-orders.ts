import type { Job } from '@retail/platform';
import { cancelOverdueUnpaid } from '../repo/orders';
import { settleReservation } from './settle-reservations';

/** Orders cancelled per run at most (the next run takes the rest). */
const BATCH = 200;

/**
 * Cancels orders still unpaid after their payment deadline (placed_at + ORDER_PAYMENT_TIMEOUT_MIN, set by
 * placeOrder) and returns their reserved units. Runs on every replica: each run cancels the overdue orders no other
 * run holds (FOR UPDATE SKIP LOCKED, and only PENDING_PAYMENT ones), so two runs in parallel cancel each order once;
 * the units go back after the commit under the order's products key (settle-reservations retries a failed call).
 */
export const cancelUnpaidOrdersJob: Job = {
  name: 'cancel-unpaid-orders',
  everyMs: 60_000,
  async run(deps) {
    const cancelled = await deps.db.transaction((tx) => cancelOverdueUnpaid(tx, BATCH));
    let returned = 0;
    for (const o of cancelled) if (o.reservationId && (await settleReservation(deps, o.id, o.reservationId, 'RETURN'))) returned++;
    return { cancelled: cancelled.length, returned };
  },
};
