import type { Job } from '@retail/platform';
import { expireOverdue } from '../repo/reservations';

/**
 * Returns the units of lapsed reservations to available stock every 30 s. Safe on many replicas and
 * twice at once: each run takes overdue reservations with FOR UPDATE SKIP LOCKED (docs/architecture.md §9).
 */
export const expireReservationsJob: Job = {
  name: 'expire-reservations',
  everyMs: 30_000,
  run: ({ db }) => db.transaction((tx) => expireOverdue(tx, null)).then((n) => ({ expired: n })),
};
