import { StoreDirectory } from '@retail/platform';

/**
 * members' copy of the stores (store → brand, operating franchisee), fed by stores.store.changed: the table the
 * member fence checks a member's home store against, so a franchisee reaches its stores' members
 * (docs/architecture.md §4, §6).
 */
export const STORE_DIRECTORY = new StoreDirectory('members', { keepsStatus: true });
