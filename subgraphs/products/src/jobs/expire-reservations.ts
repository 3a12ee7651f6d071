import type { SubgraphDeps } from '@retail/platform';
import { expireOverdue } from '../commands/reservation-stock';

export const EXPIRE_EVERY_MS = 30_000;

/**
 * Returns the units of lapsed reservations to available stock every 30 s. Safe on many replicas:
 * each run takes overdue reservations with FOR UPDATE SKIP LOCKED. Returns the stop function.
 */
export function startReservationExpiry({ db, logger }: SubgraphDeps, everyMs = EXPIRE_EVERY_MS): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = db
      .transaction((tx) => expireOverdue(tx, null))
      .then((n) => (n ? logger.info({ expired: n }, 'expired stock reservations') : undefined))
      .catch((err: unknown) => logger.error({ err }, 'expiring stock reservations failed'));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
