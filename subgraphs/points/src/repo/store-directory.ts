import { StoreDirectory } from '@retail/platform';

/**
 * points' copy of the stores (store → brand, operating franchisee), fed by stores.store.changed: the table the
 * account fence checks an account's home store against, so a franchisee reaches its stores' members' balances
 * (docs/architecture.md §4, §6).
 */
export const STORE_DIRECTORY = new StoreDirectory('points');
