import type { ConsumedTopic, StoreChangedPayload, Transaction } from '@retail/platform';
import { STORE_DIRECTORY } from '../repo/store-directory';

export type { StoreChangedPayload } from '@retail/platform';

/**
 * Keeps products.store_directory current (store → brand, operating franchisee), which fences stock and store
 * prices; an older update never overwrites a newer one (docs/architecture.md §6).
 */
export function applyStoreChanged(tx: Transaction, payload: StoreChangedPayload): Promise<void> {
  return STORE_DIRECTORY.applyStoreChanged(tx, payload);
}

/** The topics products applies. */
export const CONSUMES: ConsumedTopic[] = [STORE_DIRECTORY.consumer];
