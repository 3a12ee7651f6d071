import type { StoreTable } from '@retail/platform';

/** The stores table as the shared fences see it (platform/src/auth/fences.ts). */
export const STORES: StoreTable = { table: 'stores.store', id: 'id', brand: 'brand_id', franchisee: 'franchisee_id' };
