import {
  fetchPagesByParent,
  newId,
  SqlParams,
  storeRowFence,
  timestampSortKey,
  type Page,
  type PageRequest,
  type Queryable,
  type Scope,
  type Transaction,
} from '@retail/platform';
import type { AccountPoints, AccountRecord, EntryRecord, ExpiringPoints, PointsTransactionKind } from '../model';
import { STORE_DIRECTORY } from './store-directory';

/**
 * An account is in scope for the platform, its brand, the operator and staff of the member's home store (through
 * points' store directory) and the member itself (docs/architecture.md §4). Guides are left out: points does not
 * know a member's exclusive guide, and a guide sees its own customers only (members' rule). An account without a
 * home store is reached by its brand and its member only.
 */
export function accountFence(scope: Scope, p: SqlParams, alias = 'a'): string {
  if (scope.kind === 'guide') return 'FALSE';
  return storeRowFence(scope, p, STORE_DIRECTORY.table, { brand: `${alias}.brand_id`, store: `${alias}.home_store_id`, member: `${alias}.member_id` });
}

const COLUMNS = `a.id, a.member_id AS "memberId", a.brand_id AS "brandId", a.home_store_id AS "homeStoreId"`;

/** Open accounts by id, inside the scope (others are absent). */
export async function accountsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<AccountRecord[]> {
  const p = new SqlParams();
  return q.query<AccountRecord>(`SELECT ${COLUMNS} FROM points.account a WHERE a.id = ANY(${p.add(ids)}::text[]) AND a.merged_into IS NULL AND ${accountFence(scope, p)}`, p.values);
}

/** The open accounts of members (one per member: a member belongs to one brand), inside the scope. */
export async function accountsOfMembers(q: Queryable, scope: Scope, memberIds: readonly string[]): Promise<AccountRecord[]> {
  const p = new SqlParams();
  return q.query<AccountRecord>(
    `SELECT ${COLUMNS} FROM points.account a WHERE a.member_id = ANY(${p.add(memberIds)}::text[]) AND a.merged_into IS NULL AND ${accountFence(scope, p)}`,
    p.values,
  );
}

/** A member's account inside the scope, open or merged (mergedInto says into which account); for the write commands. */
export async function accountOfMember(q: Queryable, scope: Scope, memberId: string): Promise<(AccountRecord & { mergedInto: string | null }) | null> {
  const p = new SqlParams();
  const rows = await q.query<AccountRecord & { mergedInto: string | null }>(
    `SELECT ${COLUMNS}, a.merged_into AS "mergedInto" FROM points.account a WHERE a.member_id = ${p.add(memberId)} AND ${accountFence(scope, p)}
      ORDER BY a.merged_into IS NULL DESC LIMIT 1`,
    p.values,
  );
  return rows[0] ?? null;
}

/**
 * What accounts hold now, from their lots (one statement): spendable = released (or past the holding period) and
 * not expired; pending = still in the holding period. Unfenced: only reached from accounts the fence returned.
 */
export function pointsOfAccounts(q: Queryable, accountIds: readonly string[]): Promise<AccountPoints[]> {
  return q.query<AccountPoints>(
    `SELECT k.id AS "accountId",
            COALESCE(sum(l.remaining) FILTER (WHERE l.available_at <= now()), 0)::int AS balance,
            COALESCE(sum(l.remaining) FILTER (WHERE l.available_at > now()), 0)::int AS pending
       FROM unnest($1::text[]) AS k(id)
       LEFT JOIN points.lot l ON l.account_id = k.id AND l.remaining > 0 AND l.expires_at > now()
      GROUP BY k.id`,
    [accountIds],
  );
}

/** Points of the accounts lapsing within `withinDays`, per date, soonest first (one statement). Unfenced: see pointsOfAccounts. */
export function expiringOfAccounts(q: Queryable, accountIds: readonly string[], withinDays: number): Promise<ExpiringPoints[]> {
  return q.query<ExpiringPoints>(
    `SELECT l.account_id AS "accountId", sum(l.remaining)::int AS points, l.expires_at AS "expiresAt"
       FROM points.lot l
      WHERE l.account_id = ANY($1::text[]) AND l.remaining > 0 AND l.expires_at > now() AND l.expires_at <= now() + make_interval(days => $2)
      GROUP BY l.account_id, l.expires_at ORDER BY l.account_id, l.expires_at`,
    [accountIds, withinDays],
  );
}

export const ENTRY_COLUMNS = `e.id, e.account_id AS "accountId", e.kind, e.points, e.balance_after AS "balanceAfter", e.reason, e.order_id AS "orderId",
  e.exchange_id AS "exchangeId", e.created_at AS "createdAt", l.expires_at AS "expiresAt"`;
export const ENTRY_FROM = `points.entry e LEFT JOIN points.lot l ON l.origin_entry_id = e.id`;

/**
 * One page of each account's ledger, newest first (one statement for any number of accounts): its own entries and
 * those of the accounts merged into it, without the merge's own transfer entries. Unfenced: only reached from
 * accounts the fence returned.
 */
export function ledgersOfAccounts(q: Queryable, accountIds: readonly string[], kind: PointsTransactionKind | null, page: PageRequest): Promise<Map<string, Page<EntryRecord>>> {
  const p = new SqlParams();
  const where = [`e.kind NOT IN ('MERGE_OUT', 'MERGE_IN')`];
  if (kind) where.push(`e.kind = ${p.add(kind)}`);
  return fetchPagesByParent<EntryRecord>(
    q,
    p,
    {
      columns: ENTRY_COLUMNS,
      from: `${ENTRY_FROM} JOIN points.account ea ON ea.id = e.account_id`,
      where: where.join(' AND '),
      sort: [timestampSortKey('e.created_at'), 'e.id'],
      descending: true,
      parent: 'COALESCE(ea.merged_into, ea.id)',
    },
    accountIds,
    page,
  );
}

/** What orders earned net of reversals, for orders whose account is in the scope (orders that earned nothing are absent). */
export async function pointsOfOrders(q: Queryable, scope: Scope, orderIds: readonly string[]): Promise<{ id: string; points: number }[]> {
  const p = new SqlParams();
  return q.query<{ id: string; points: number }>(
    `SELECT o.order_id AS id, o.earned - o.reversed AS points FROM points.order_points o JOIN points.account a ON a.id = o.account_id
      WHERE o.order_id = ANY(${p.add(orderIds)}::text[]) AND o.earned > 0 AND ${accountFence(scope, p)}`,
    p.values,
  );
}

// ---- writes: the account rows (unfenced; their callers checked the scope or apply another subgraph's facts) ----

/**
 * The id of the account a member's points go to at the brand: its own, or the survivor's when it was merged; the
 * account is made (empty) when the member has none. Unfenced: for the event consumers and the SERVICE-only earnPoints.
 */
export async function ensureAccount(tx: Transaction, memberId: string, brandId: string): Promise<string> {
  await tx.query(`INSERT INTO points.account (id, member_id, brand_id) VALUES ($1, $2, $3) ON CONFLICT (member_id, brand_id) DO NOTHING`, [newId('pa'), memberId, brandId]);
  const rows = await tx.query<{ id: string }>(`SELECT COALESCE(merged_into, id) AS id FROM points.account WHERE member_id = $1 AND brand_id = $2`, [memberId, brandId]);
  return rows[0]!.id;
}

/**
 * Records the member's home store as of `asOf` (an older fact never overwrites a newer one: events arrive out of
 * order). Unfenced: the fact comes from orders.order.paid.
 */
export async function setHomeStore(tx: Transaction, accountId: string, storeId: string | null, asOf: Date): Promise<void> {
  await tx.query(
    `UPDATE points.account SET home_store_id = $2, home_store_at = $3, updated_at = clock_timestamp() WHERE id = $1 AND (home_store_at IS NULL OR home_store_at <= $3)`,
    [accountId, storeId, asOf],
  );
}
