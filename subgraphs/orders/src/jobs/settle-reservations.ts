import type { Database, Job, Peers } from '@retail/platform';
import type { Logger } from 'pino';
import { lockUnsettledReservations, setReservationState } from '../repo/orders';
import { releaseKey, releaseStock } from '../peers';

/** What settling a reservation needs: the database, the peers, a logger. */
export interface SettleDeps {
  db: Database;
  peers: Peers;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Ends an order's stock reservation at products (RETURN for a cancelled order, CONSUME for one handed over) and
 * records the answer on the order. Called after the order's own transaction has committed (never inside one); the
 * products key is the order's (peers.ts releaseKey), so calling it again — a retry, the job, a parallel runner —
 * settles the reservation once. A reservation products had already expired is recorded as EXPIRED (its units went
 * back to the store). Returns false when products could not be reached: the order stays HELD for the job.
 */
export async function settleReservation(deps: SettleDeps, orderId: string, reservationId: string, outcome: 'RETURN' | 'CONSUME'): Promise<boolean> {
  let answer;
  try {
    answer = await releaseStock(deps.peers, { idempotencyKey: releaseKey(orderId, outcome), reservationId, outcome });
  } catch (err) {
    deps.logger.warn({ err, orderId, outcome }, 'products did not settle the reservation; the settle-reservations job retries');
    return false;
  }
  if (answer.userErrors.length === 0) {
    await setReservationState(deps.db, orderId, outcome === 'RETURN' ? 'RETURNED' : 'CONSUMED');
    return true;
  }
  deps.logger.warn({ orderId, outcome, userErrors: answer.userErrors }, 'products had already ended the reservation');
  await setReservationState(deps.db, orderId, 'EXPIRED');
  return true;
}

/** Orders settled per run. */
const BATCH = 100;

/**
 * Settles the reservations of ended orders that are still HELD (a cancel or a sale at the till whose call to
 * products failed or was cut off; a payment event that completed a till sale). Runners in parallel mostly take
 * different rows (FOR UPDATE SKIP LOCKED); when two do call products for one order, its key makes the second call
 * a replay, so nothing is returned or consumed twice (docs/architecture.md §9).
 */
export const settleReservationsJob: Job = {
  name: 'settle-reservations',
  everyMs: 30_000,
  async run(deps) {
    // The rows are locked only while they are read: the calls to products happen outside any transaction.
    const due = await deps.db.transaction((tx) => lockUnsettledReservations(tx, BATCH));
    let settled = 0;
    for (const o of due) if (await settleReservation(deps, o.id, o.reservationId, o.status === 'COMPLETED' ? 'CONSUME' : 'RETURN')) settled++;
    return { settled };
  },
};
