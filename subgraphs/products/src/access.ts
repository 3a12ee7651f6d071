import { UserErrorException, type Scope } from '@retail/platform';
import type { StoreInScope } from './store/store-directory';

/** What a caller wants to do to a store's catalog data. */
export type StoreAction = 'setPrice' | 'adjustStock';

/**
 * Scope kinds that may do the action at a store in their scope (the SQL fence decides "in scope"):
 * prices are set by the brand or the store's operator (franchisee); stock is also adjusted by the store's staff.
 */
const MAY: Record<StoreAction, ReadonlySet<Scope['kind']>> = {
  setPrice: new Set(['platform', 'brand', 'franchisee']),
  adjustStock: new Set(['platform', 'brand', 'franchisee', 'store']),
};

/** NOT_FOUND for a store products does not know, FORBIDDEN for one the caller may not manage this way. */
export function assertMayManageStore(scope: Scope, store: StoreInScope | null, action: StoreAction): asserts store is StoreInScope {
  if (!store) throw UserErrorException.of('NOT_FOUND', 'no such store', ['input', 'storeId']);
  if (!store.inScope || !MAY[action].has(scope.kind)) {
    throw UserErrorException.of('FORBIDDEN', `you may not ${action === 'setPrice' ? 'set prices' : 'adjust stock'} at store ${store.storeId}`, ['input', 'storeId']);
  }
}

/** Catalog editing (upsertProduct): the platform, or the brand's own admins. */
export function assertMayEditCatalog(scope: Scope, brandId: string): void {
  const ok = scope.kind === 'platform' || (scope.kind === 'brand' && scope.brandId === brandId);
  if (!ok) throw UserErrorException.of('FORBIDDEN', `you may not edit the catalog of brand ${brandId}`, ['input', 'brandId']);
}
