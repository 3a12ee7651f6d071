import { StoreDirectory } from '@retail/platform';

/**
 * orders' copy of the stores (store → brand, operating franchisee), fed by stores.store.changed and by
 * operatorBeforeWrite's answers: the operator an order is placed under, and the fence of an operator's writes
 * (docs/architecture.md §4, §6).
 */
export const STORE_DIRECTORY = new StoreDirectory('orders');
