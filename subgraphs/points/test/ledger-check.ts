import type { Queryable } from '@retail/platform';

/** An account whose books do not add up, with its figures. */
export interface LedgerFault {
  accountId: string;
  balance: number;
  pending: number;
  entries: number;
  lots: number;
  pendingLots: number;
  lastBalanceAfter: number | null;
}

/**
 * The ledger's invariants, checked in SQL over every account (every test file runs it after its writes):
 * balance + pending = the sum of the account's entries = the sum of its lots' remaining points; pending = the lots
 * not yet released; the newest entry's balanceAfter = the sum of the entries; and for every lot, the sum of its
 * movements = its remaining points. Returns the accounts (and lots) that break them: [] when the books add up.
 */
export async function ledgerFaults(db: Queryable): Promise<{ accounts: LedgerFault[]; lots: string[]; negative: number }> {
  const accounts = await db.query<LedgerFault>(
    `SELECT * FROM (
       SELECT a.id AS "accountId", a.balance, a.pending,
              (SELECT COALESCE(sum(e.points), 0)::int FROM points.entry e WHERE e.account_id = a.id) AS entries,
              (SELECT COALESCE(sum(l.remaining), 0)::int FROM points.lot l WHERE l.account_id = a.id) AS lots,
              (SELECT COALESCE(sum(l.remaining), 0)::int FROM points.lot l WHERE l.account_id = a.id AND l.released_at IS NULL) AS "pendingLots",
              (SELECT e.balance_after FROM points.entry e WHERE e.account_id = a.id ORDER BY e.created_at DESC, e.balance_after LIMIT 1) AS "lastBalanceAfter"
         FROM points.account a
     ) x
     WHERE x.balance + x.pending <> x.entries OR x.entries <> x.lots OR x.pending <> x."pendingLots" OR (x."lastBalanceAfter" IS NOT NULL AND x."lastBalanceAfter" <> x.entries)`,
  );
  const lots = await db.query<{ id: string }>(
    `SELECT l.id FROM points.lot l LEFT JOIN points.lot_movement m ON m.lot_id = l.id GROUP BY l.id, l.remaining HAVING COALESCE(sum(m.points), 0) <> l.remaining`,
  );
  const [negative] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM points.account WHERE balance < 0 OR pending < 0`);
  return { accounts, lots: lots.map((l) => l.id), negative: negative!.n };
}

/** What ledgerFaults says when the books add up. */
export const BOOKS_ADD_UP = { accounts: [], lots: [], negative: 0 };
