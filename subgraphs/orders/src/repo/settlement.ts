import { fenceSql, fetchPage, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { Period } from '../domain/period';
import type { SplitSum } from '../domain/settlement';
import type { SplitRecord } from '../model';
import { SPLIT_COLUMNS } from './splits';

// An operator's settlement (分账结算) over a period: only the split rows booked in it, so a closed period always gives
// the same statement.

/**
 * A split row is in scope for the platform, the brand's admins and the operator itself; store staff, guides and
 * members see no settlement (the fence maps no store, guide or member column, so theirs is FALSE).
 */
const splitFence = (scope: Scope, p: SqlParams) => fenceSql(scope, { brand: 's.brand_id', franchisee: 's.franchisee_id' }, p);

/**
 * Whether the caller may read the operator's settlement: the platform; the operator itself; a brand admin when
 * the operator runs a store of the brand or has a commission rate with it. Everybody else: no.
 */
export async function settlementVisible(q: Queryable, scope: Scope, franchiseeId: string): Promise<boolean> {
  if (scope.kind === 'platform') return true;
  if (scope.kind === 'franchisee') return scope.franchiseeId === franchiseeId;
  if (scope.kind !== 'brand') return false;
  const rows = await q.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM orders.store_directory d WHERE d.franchisee_id = $1 AND d.brand_id = $2)
         OR EXISTS (SELECT 1 FROM orders.operator_commission c WHERE c.franchisee_id = $1 AND c.brand_id = $2) AS known`,
    [franchiseeId, scope.brandId],
  );
  return rows[0]?.known === true;
}

function periodRows(scope: Scope, p: SqlParams, franchiseeId: string, period: Period, currency: string): string {
  return `s.franchisee_id = ${p.add(franchiseeId)} AND s.booked_at >= ${p.add(period.from)}::timestamptz AND s.booked_at < ${p.add(period.to)}::timestamptz
          AND s.currency = ${p.add(currency)} AND ${splitFence(scope, p)}`;
}

/** The operator's split rows booked in the period, summed by kind (one statement). */
export async function settlementSums(q: Queryable, scope: Scope, franchiseeId: string, period: Period, currency: string): Promise<SplitSum[]> {
  const p = new SqlParams();
  return q.query<SplitSum>(
    `SELECT s.kind, count(*)::int AS rows, sum(s.gross_fen)::bigint AS "grossFen", sum(s.commission_fen)::bigint AS "commissionFen",
            sum(s.operator_net_fen)::bigint AS "operatorNetFen"
       FROM orders.order_split s WHERE ${periodRows(scope, p, franchiseeId, period, currency)} GROUP BY s.kind`,
    p.values,
  );
}

/** One page of the operator's split rows booked in the period, in booking order (one statement). */
export async function settlementLines(q: Queryable, scope: Scope, franchiseeId: string, period: Period, currency: string, page: PageRequest): Promise<Page<SplitRecord>> {
  const p = new SqlParams();
  const where = periodRows(scope, p, franchiseeId, period, currency);
  return fetchPage<SplitRecord>(q, p, { columns: SPLIT_COLUMNS, from: 'orders.order_split s', where, sort: [timestampSortKey('s.booked_at'), 's.id'] }, page);
}
