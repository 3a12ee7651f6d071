import { StoreDirectory } from '@retail/platform';

/**
 * products' copy of the stores (store → brand, operating franchisee), fed by stores.store.changed: the table
 * the shared store fences check stock and store prices against (docs/architecture.md §4, §6).
 */
export const STORE_DIRECTORY = new StoreDirectory('products');
