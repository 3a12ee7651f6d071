import type { ConsumedTopic, Transaction } from '@retail/platform';
import { upsertStoreEntry } from '../repo/store-directory';

/** The part of a 'stores.store.changed' payload products needs (other fields are ignored). */
export interface StoreChangedPayload {
  id: string;
  brandId: string;
  franchiseeId: string | null;
  /** ISO 8601; when present, an older update never overwrites a newer one. */
  updatedAt?: string | null;
  [other: string]: unknown;
}

/**
 * Keeps products.store_directory current (store → brand, operating franchisee), which fences stock
 * and store prices. Runs inside the consumer's transaction, together with its dedupe row, so a
 * redelivery is a no-op (docs/architecture.md §6).
 */
export async function applyStoreChanged(tx: Transaction, payload: StoreChangedPayload): Promise<void> {
  if (!payload.id || !payload.brandId) throw new Error('stores.store.changed payload needs id and brandId');
  const updatedAt = payload.updatedAt && !Number.isNaN(Date.parse(payload.updatedAt)) ? payload.updatedAt : null;
  await upsertStoreEntry(tx, { storeId: payload.id, brandId: payload.brandId, franchiseeId: payload.franchiseeId ?? null }, updatedAt);
}

/** The topics products applies. */
export const CONSUMES: ConsumedTopic[] = [{ topic: 'stores.store.changed', apply: (tx, e) => applyStoreChanged(tx, e.payload as StoreChangedPayload) }];
