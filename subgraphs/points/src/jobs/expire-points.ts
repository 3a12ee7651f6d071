import type { Database, Job } from '@retail/platform';
import { settleAccounts } from '../repo/ledger';

/** Accounts settled per run at most; the next run takes the rest. */
const BATCH = 500;

/**
 * One run over accounts with lapsed lots (booked as EXPIRE entries) or lots past their holding period (released
 * into the balance). Safe on many replicas and twice at once: each run locks the accounts it takes with FOR UPDATE
 * SKIP LOCKED and settles them with fresh statements under that lock, so a lot another run expired has nothing
 * left to expire (docs/architecture.md §9). Writes that touch an account settle it first as well.
 */
export async function expirePoints(db: Database): Promise<{ expired: number; accounts: number }> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      `SELECT a.id FROM points.account a
        WHERE a.id IN (SELECT l.account_id FROM points.lot l
                        WHERE l.remaining > 0 AND (l.expires_at <= now() OR (l.released_at IS NULL AND l.available_at <= now())) LIMIT ${BATCH})
        ORDER BY a.id FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return { expired: 0, accounts: 0 };
    const expired = await settleAccounts(tx, rows.map((r) => r.id));
    return { expired, accounts: rows.length };
  });
}

/** Every minute: lapsed points expire, points past their holding period become spendable. */
export const expirePointsJob: Job = {
  name: 'expire-points',
  everyMs: 60_000,
  run: ({ db }) => expirePoints(db),
};
