import type { Queryable } from '@retail/platform';

/** What the conservation query finds: every count is 0 when the books add up. */
export interface Reconciliation {
  /** Points credited (earns, exchanges in, positive adjustments and reversals), all accounts. */
  issued: number;
  /** Points debited but by expiry (redemptions, exchanges out, negative adjustments and reversals). */
  spent: number;
  expired: number;
  /** balance + pending of every account. */
  balances: number;
  /** issued − spent − expired − balances: not 0 when points appeared or vanished. */
  unbalanced: number;
  /** Accounts whose cached balance + pending differ from the sum of their entries or of their lots' remaining points, or are negative. */
  accountsOff: number;
  /** Lots whose remaining points differ from the sum of their movements. */
  lotsOff: number;
  /** Exchanges without exactly their entries (EXCHANGE_OUT −fromPoints, EXCHANGE_IN +toPoints, and when reversed the two REVERSALs): lost effects. */
  exchangesOff: number;
  /** Exchange entries that belong to no exchange, or more than one quote committed twice: duplicated effects. */
  strayEntries: number;
  duplicateQuotes: number;
  /** Settlement entries that disagree with their exchanges (one EXCHANGE entry per exchange, one REVERSAL per reversal, amounts = pointsIn × price). */
  settlementOff: number;
}

/**
 * The conservation query over the whole points schema (for the benchmark and the tests; an operator may run it as a
 * reconciliation): total points issued − spent − expired = total balances, each account's books add up, every
 * exchange has exactly its ledger and settlement effects. Unfenced: it reads everything and returns only counts.
 */
export async function reconcile(q: Queryable): Promise<Reconciliation> {
  const rows = await q.query<Reconciliation>(
    `WITH totals AS (
       SELECT COALESCE(sum(points) FILTER (WHERE points > 0 AND kind NOT IN ('MERGE_IN', 'MERGE_OUT')), 0)::bigint AS issued,
              COALESCE(-sum(points) FILTER (WHERE points < 0 AND kind NOT IN ('EXPIRE', 'MERGE_IN', 'MERGE_OUT')), 0)::bigint AS spent,
              COALESCE(-sum(points) FILTER (WHERE kind = 'EXPIRE'), 0)::bigint AS expired,
              COALESCE(sum(points) FILTER (WHERE kind IN ('MERGE_IN', 'MERGE_OUT')), 0)::bigint AS merges
         FROM points.entry
     ), balances AS (
       SELECT COALESCE(sum(balance + pending), 0)::bigint AS balances FROM points.account
     ), accounts AS (
       SELECT count(*)::int AS n FROM (
         SELECT a.id, a.balance, a.pending,
                (SELECT COALESCE(sum(e.points), 0) FROM points.entry e WHERE e.account_id = a.id) AS entries,
                (SELECT COALESCE(sum(l.remaining), 0) FROM points.lot l WHERE l.account_id = a.id) AS lots
           FROM points.account a
       ) x WHERE x.balance + x.pending <> x.entries OR x.entries <> x.lots OR x.balance < 0 OR x.pending < 0
     ), lots AS (
       SELECT count(*)::int AS n FROM (
         SELECT l.id FROM points.lot l LEFT JOIN points.lot_movement m ON m.lot_id = l.id GROUP BY l.id, l.remaining HAVING COALESCE(sum(m.points), 0) <> l.remaining
       ) x
     ), exchange_entries AS (
       SELECT x.id,
              count(*) FILTER (WHERE e.kind = 'EXCHANGE_OUT' AND e.points = -x.from_points AND e.id = x.from_entry_id) AS outs,
              count(*) FILTER (WHERE e.kind = 'EXCHANGE_IN' AND e.points = x.to_points AND e.id = x.to_entry_id) AS ins,
              count(*) FILTER (WHERE e.kind = 'REVERSAL' AND e.points = x.from_points AND e.id = x.from_reversal_entry_id) AS back_outs,
              count(*) FILTER (WHERE e.kind = 'REVERSAL' AND e.points = -x.to_points AND e.id = x.to_reversal_entry_id) AS back_ins,
              count(e.id) AS all_entries, x.reversed_at IS NOT NULL AS reversed
         FROM points.exchange x LEFT JOIN points.entry e ON e.exchange_id = x.id
        GROUP BY x.id
     ), exchanges AS (
       SELECT count(*)::int AS n FROM exchange_entries
        WHERE outs <> 1 OR ins <> 1 OR back_outs <> reversed::int OR back_ins <> reversed::int OR all_entries <> 2 + 2 * reversed::int
     ), strays AS (
       SELECT count(*)::int AS n FROM points.entry e
        WHERE (e.kind IN ('EXCHANGE_OUT', 'EXCHANGE_IN') OR e.exchange_id IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM points.exchange x WHERE x.id = e.exchange_id)
     ), quotes AS (
       SELECT (count(*) - count(DISTINCT quote_id))::int AS n FROM points.exchange
     ), settlement AS (
       SELECT count(*)::int AS n FROM points.exchange x JOIN points.exchange_quote q ON q.id = x.quote_id
        WHERE (SELECT count(*) FROM points.settlement_entry s WHERE s.exchange_id = x.id AND s.kind = 'EXCHANGE' AND s.points_out = x.from_points AND s.points_in = x.to_points
                 AND s.amount_fen = x.to_points::bigint * q.price_per_point_fen) <> 1
           OR (SELECT count(*) FROM points.settlement_entry s WHERE s.exchange_id = x.id AND s.kind = 'REVERSAL' AND s.points_out = -x.from_points AND s.points_in = -x.to_points
                 AND s.amount_fen = -(x.to_points::bigint * q.price_per_point_fen)) <> (x.reversed_at IS NOT NULL)::int
           OR (SELECT count(*) FROM points.settlement_entry s WHERE s.exchange_id = x.id) <> 1 + (x.reversed_at IS NOT NULL)::int
     )
     SELECT t.issued::float8 AS issued, t.spent::float8 AS spent, t.expired::float8 AS expired, b.balances::float8 AS balances,
            (t.issued - t.spent - t.expired + t.merges - b.balances)::float8 AS unbalanced,
            accounts.n AS "accountsOff", lots.n AS "lotsOff", exchanges.n AS "exchangesOff", strays.n AS "strayEntries", quotes.n AS "duplicateQuotes",
            settlement.n AS "settlementOff"
       FROM totals t, balances b, accounts, lots, exchanges, strays, quotes, settlement`,
  );
  return rows[0]!;
}
