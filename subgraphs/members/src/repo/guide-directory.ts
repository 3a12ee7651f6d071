import { GuideDirectory, SqlParams, storeRowFence, type Queryable, type Scope } from '@retail/platform';
import { memberFence } from './members';
import { STORE_DIRECTORY } from './store-directory';

/**
 * members' copy of the guides (guide → brand, store, status, when it left), fed by stores.guide.changed: the guide a
 * member joins through is checked against it, a guide's customers are fenced by it, and a guide who left is listed
 * until its customers are handed over (docs/architecture.md §6).
 */
export const GUIDE_DIRECTORY = new GuideDirectory('members', { keeps: ['leftAt'] });

/** A guide is in scope for its brand, its store's operator and staff, and itself (not for its colleagues). */
const guideFence = (scope: Scope, p: SqlParams) => storeRowFence(scope, p, STORE_DIRECTORY.table, { brand: 'g.brand_id', store: 'g.store_id', guide: 'g.guide_id' });

/** The ids among `guideIds` of guides the scope reaches (one statement). */
export async function guidesInScope(q: Queryable, scope: Scope, guideIds: readonly string[]): Promise<string[]> {
  const p = new SqlParams();
  const rows = await q.query<{ guideId: string }>(
    `SELECT g.guide_id AS "guideId" FROM ${GUIDE_DIRECTORY.table} g WHERE g.guide_id = ANY(${p.add(guideIds)}::text[]) AND ${guideFence(scope, p)}`,
    p.values,
  );
  return rows.map((r) => r.guideId);
}

/** A guide of a store who LEFT and still has customers, waiting for inheritGuideCustomers (离职继承). */
export interface PendingHandover {
  storeId: string;
  guideId: string;
  /** Its customers inside the caller's scope. */
  customerCount: number;
  leftAt: Date | null;
}

/**
 * For each store, its guides who LEFT with customers still bound, longest waiting first, counting the customers the
 * scope reaches (one statement for all the stores).
 */
export async function pendingHandoversOfStores(q: Queryable, scope: Scope, storeIds: readonly string[]): Promise<PendingHandover[]> {
  const p = new SqlParams();
  return q.query<PendingHandover>(
    `SELECT g.store_id AS "storeId", g.guide_id AS "guideId", g.left_at AS "leftAt", count(*)::int AS "customerCount"
       FROM ${GUIDE_DIRECTORY.table} g JOIN members.member m ON m.guide_id = g.guide_id
      WHERE g.store_id = ANY(${p.add(storeIds)}::text[]) AND g.status = 'LEFT' AND m.merged_into IS NULL AND ${memberFence(scope, p)}
      GROUP BY g.store_id, g.guide_id, g.left_at
      ORDER BY g.store_id, g.left_at NULLS LAST, g.guide_id`,
    p.values,
  );
}
