import { administersBrand, operatesStores, runsStores, UserErrorException, type Scope } from '@retail/platform';
import type { StoreInScope } from '../model';

// The products-specific faces of the shared permissions (platform/src/auth/permissions.ts): which rule each
// catalog write needs, and the userErrors a refusal reports.

/** What a caller wants to do to a store's catalog data. */
export type StoreAction = 'setPrice' | 'adjustStock';

/** Prices are set by the brand or the store's operator; stock is also adjusted by the store's staff. */
const MAY: Record<StoreAction, (scope: Scope) => boolean> = { setPrice: operatesStores, adjustStock: runsStores };
const DOING: Record<StoreAction, string> = { setPrice: 'set prices', adjustStock: 'adjust stock' };

/**
 * NOT_FOUND for a store products does not know, FORBIDDEN for one outside the caller's fence or one the
 * caller may not manage this way.
 */
export function assertMayManageStore(scope: Scope, store: StoreInScope | null, action: StoreAction): asserts store is StoreInScope {
  if (!store) throw UserErrorException.of('NOT_FOUND', 'no such store', ['input', 'storeId']);
  if (!store.inScope || !MAY[action](scope)) throw UserErrorException.forbidden(`you may not ${DOING[action]} at store ${store.storeId}`, ['input', 'storeId']);
}

/** Catalog editing (upsertProduct): the platform, or the brand's own admins. */
export function assertMayEditCatalog(scope: Scope, brandId: string): void {
  if (!administersBrand(scope, brandId)) throw UserErrorException.forbidden(`you may not edit the catalog of brand ${brandId}`, ['input', 'brandId']);
}
