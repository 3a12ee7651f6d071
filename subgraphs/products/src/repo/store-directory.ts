import { SqlParams, storeFence, type Queryable, type Scope, type StoreTable } from '@retail/platform';
import type { StoreEntry, StoreInScope } from '../model';

/**
 * products' copy of the stores (store → brand, operating franchisee), fed by stores.store.changed: the
 * table the shared store fences check stock and store prices against (docs/architecture.md §4).
 */
export const STORE_DIRECTORY: StoreTable = { table: 'products.store_directory', id: 'store_id', brand: 'brand_id', franchisee: 'franchisee_id' };

/**
 * A store with whether the scope reaches it; null when products has never heard of it. With `live` (what
 * stores said just now, operatorBeforeWrite) the fence is checked against that instead of the directory, which
 * may lag behind a handover.
 */
export async function storeWithFence(q: Queryable, scope: Scope, storeId: string, live: StoreEntry | null = null): Promise<StoreInScope | null> {
  const p = new SqlParams();
  const from = live
    ? `(VALUES (${p.add(live.storeId)}::text, ${p.add(live.brandId)}::text, ${p.add(live.franchiseeId)}::text)) AS d(store_id, brand_id, franchisee_id)`
    : 'products.store_directory d';
  const rows = await q.query<StoreInScope>(
    `SELECT d.store_id AS "storeId", d.brand_id AS "brandId", d.franchisee_id AS "franchiseeId", ${storeFence(scope, p, STORE_DIRECTORY, 'd')} AS "inScope"
     FROM ${from} WHERE d.store_id = ${p.add(storeId)}`,
    p.values,
  );
  return rows[0] ?? null;
}

/**
 * Records a store's brand and operator. With `updatedAt` an older update never overwrites a newer one
 * (events may arrive out of order); without it the update always applies. Unfenced: written by the
 * stores.store.changed consumer (docs/architecture.md §6) and by an operator's write with the operator stores
 * named just before (operatorBeforeWrite), both facts of the stores subgraph.
 */
export async function upsertStoreEntry(q: Queryable, entry: StoreEntry, updatedAt: string | null): Promise<void> {
  await q.query(
    `INSERT INTO products.store_directory AS d (store_id, brand_id, franchisee_id, updated_at)
     VALUES ($1, $2, $3, COALESCE($4::timestamptz, now()))
     ON CONFLICT (store_id) DO UPDATE SET brand_id = EXCLUDED.brand_id, franchisee_id = EXCLUDED.franchisee_id, updated_at = EXCLUDED.updated_at
     WHERE $4::timestamptz IS NULL OR d.updated_at <= EXCLUDED.updated_at`,
    [entry.storeId, entry.brandId, entry.franchiseeId, updatedAt],
  );
}
