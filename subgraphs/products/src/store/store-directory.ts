import { fenceSql, SqlParams, type FenceColumns, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { StoreEntry } from '../model';

/** How store_directory (alias d) maps to a Scope: brand, franchisee operating the store, the store itself. */
export const STORE_FENCE: FenceColumns = { brand: 'd.brand_id', franchisee: 'd.franchisee_id', store: 'd.store_id' };

export interface StoreInScope extends StoreEntry {
  /** The caller's scope reaches this store (platform, its brand, its franchisee, its own staff and guides). */
  inScope: boolean;
}

/** A store with whether the scope reaches it; null when products has never heard of it. */
export async function storeWithFence(q: Queryable, scope: Scope, storeId: string): Promise<StoreInScope | null> {
  const p = new SqlParams();
  const rows = await q.query<StoreInScope>(
    `SELECT d.store_id AS "storeId", d.brand_id AS "brandId", d.franchisee_id AS "franchiseeId", ${fenceSql(scope, STORE_FENCE, p)} AS "inScope"
     FROM products.store_directory d WHERE d.store_id = ${p.add(storeId)}`,
    p.values,
  );
  return rows[0] ?? null;
}

/**
 * Records a store's brand and operator. With `updatedAt` an older update never overwrites a newer one
 * (events may arrive out of order); without it the update always applies.
 */
export async function upsertStoreEntry(tx: Transaction, entry: StoreEntry, updatedAt: string | null): Promise<void> {
  await tx.query(
    `INSERT INTO products.store_directory AS d (store_id, brand_id, franchisee_id, updated_at)
     VALUES ($1, $2, $3, COALESCE($4::timestamptz, now()))
     ON CONFLICT (store_id) DO UPDATE SET brand_id = EXCLUDED.brand_id, franchisee_id = EXCLUDED.franchisee_id, updated_at = EXCLUDED.updated_at
     WHERE $4::timestamptz IS NULL OR d.updated_at <= EXCLUDED.updated_at`,
    [entry.storeId, entry.brandId, entry.franchiseeId, updatedAt],
  );
}
