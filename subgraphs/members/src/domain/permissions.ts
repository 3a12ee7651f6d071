import { UserErrorException, type Scope, type StoreInScope } from '@retail/platform';
import type { GuideEntry } from '../model';

// Who may register members where (docs/architecture.md §4): the members-specific face of the shared
// permissions, with the userErrors a refusal reports.

/** The store and guide a registration credits, as given or, for a store's staff or a guide, taken from the caller. */
export interface JoinPlace {
  storeId: string | null;
  guideId: string | null;
}

/**
 * Registering members (入会) of a brand: the platform, and the brand's admins, operators, store staff and guides.
 * Members and partners register nobody.
 */
export function assertMayRegister(scope: Scope, brandId: string): void {
  const field = ['input', 'brandId'];
  if (scope.kind === 'platform') return;
  if (scope.kind === 'member' || scope.kind === 'partner' || scope.kind === 'anonymous') throw UserErrorException.forbidden('you may not register members', field);
  if (scope.brandId !== brandId) throw UserErrorException.forbidden(`you may not register members of brand ${brandId}`, field);
}

/** A guide registers at its own store and binds to itself, a store's staff registers at its store, unless they say otherwise. */
export function joinPlace(scope: Scope, given: JoinPlace): JoinPlace {
  if (scope.kind === 'guide') return { storeId: given.storeId ?? scope.storeId, guideId: given.guideId ?? scope.guideId };
  if (scope.kind === 'store') return { storeId: given.storeId ?? scope.storeId, guideId: given.guideId };
  return given;
}

/**
 * Whether the caller may register at this store and guide: both known to members and of the brand, the store inside
 * the caller's fence (a franchisee's against the operator stores named just now). An operator, a store's staff and a
 * guide must credit a store (so they can see whom they registered), and a guide only itself. Checked before looking
 * for an existing member, so nobody learns who is a member where they may not register.
 */
export function assertJoinPlace(scope: Scope, brandId: string, place: JoinPlace, store: StoreInScope | null, guide: GuideEntry | null): void {
  const storeField = ['input', 'storeId'];
  const guideField = ['input', 'guideId'];
  if (place.guideId !== null) {
    if (!guide) throw UserErrorException.notFound('guide', guideField);
    if (guide.brandId !== brandId) throw UserErrorException.of('BRAND_MISMATCH', `guide ${guide.guideId} works for another brand`, guideField);
    if (scope.kind === 'guide' && guide.guideId !== scope.guideId) throw UserErrorException.forbidden('a guide registers members for itself only', guideField);
  }
  if (place.storeId === null) {
    if (scope.kind === 'franchisee' || scope.kind === 'store' || scope.kind === 'guide') throw UserErrorException.of('INVALID_INPUT', 'name the store the member joins at', storeField);
    return;
  }
  if (!store) throw UserErrorException.notFound('store', storeField);
  if (store.brandId !== brandId) throw UserErrorException.of('BRAND_MISMATCH', `store ${store.storeId} belongs to another brand`, storeField);
  if (!store.inScope) throw UserErrorException.forbidden(`you may not register members at store ${store.storeId}`, storeField);
  if (store.status === 'CLOSED') throw UserErrorException.of('STORE_CLOSED', `store ${store.storeId} is closed for good`, storeField);
}

/**
 * Whether a new member can be bound to the guide it joins through: an ACTIVE guide of the store it joins at. Checked
 * only when the member is new: joining again returns the existing member whatever became of the guide since.
 */
export function assertGuideBindable(guide: GuideEntry | null, storeId: string | null): void {
  if (!guide) return;
  const field = ['input', 'guideId'];
  if (guide.status !== 'ACTIVE') throw UserErrorException.of('GUIDE_NOT_ACTIVE', `guide ${guide.guideId} has left`, field);
  if (guide.storeId !== storeId) throw UserErrorException.of('STORE_MISMATCH', `guide ${guide.guideId} works at another store`, field);
}
