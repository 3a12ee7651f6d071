import { fetchPage, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable } from '@retail/platform';
import type { ExchangeRecord, SettlementFigures } from '../model';
import { EXCHANGE_COLUMNS } from './exchanges';

// The partner settlement statement (异业结算单) of one agreement over a period: only the settlement entries booked in
// [from, to), so a closed period's statement is the same whenever it is asked for. Unfenced: the resolver reached the
// agreement through its fence and checked the caller may see its settlement (domain/permissions.ts).

/** A half-open period [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

/** The statement's figures (one statement): exchanges net of reversals, points out and in, the amount owed in fen. */
export async function settlementFigures(q: Queryable, agreementId: string, period: Period): Promise<SettlementFigures> {
  const rows = await q.query<SettlementFigures>(
    `SELECT COALESCE(sum(exchanges), 0)::int AS "exchangeCount", COALESCE(sum(points_out), 0)::int AS "pointsOut", COALESCE(sum(points_in), 0)::int AS "pointsIn",
            COALESCE(sum(amount_fen), 0)::bigint AS "amountFen"
       FROM points.settlement_entry WHERE agreement_id = $1 AND booked_at >= $2 AND booked_at < $3`,
    [agreementId, period.from, period.to],
  );
  const r = rows[0]!;
  return { ...r, amountFen: Number(r.amountFen) };
}

/** One page of the exchanges behind a statement (those with a settlement entry booked in the period), oldest first. */
export function exchangesOfStatement(q: Queryable, agreementId: string, period: Period, page: PageRequest): Promise<Page<ExchangeRecord>> {
  const p = new SqlParams();
  return fetchPage<ExchangeRecord>(
    q,
    p,
    {
      columns: EXCHANGE_COLUMNS,
      from: `(SELECT s.exchange_id, min(s.booked_at) AS first_booked FROM points.settlement_entry s
               WHERE s.agreement_id = ${p.add(agreementId)} AND s.booked_at >= ${p.add(period.from)} AND s.booked_at < ${p.add(period.to)} GROUP BY s.exchange_id) b
             JOIN points.exchange x ON x.id = b.exchange_id`,
      where: 'TRUE',
      sort: [timestampSortKey('b.first_booked'), 'x.id'],
    },
    page,
  );
}
