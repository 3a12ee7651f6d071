import { forbidden } from '../errors';
import type { Scope } from './scope';
import type { Viewer } from './viewer';

// Who may change what, on top of the fence (which already limits the rows a caller reaches). Shared by
// every subgraph, so "a brand admin", "a store's operator" and "its staff" mean the same everywhere.

/** Onboarding operators, opening stores, editing the catalog: platform admins and the brand's own admins. */
export function administersBrand(scope: Scope, brandId: string): boolean {
  return scope.kind === 'platform' || (scope.kind === 'brand' && scope.brandId === brandId);
}

/** Editing a store in scope (name, address, status, its prices): its brand's admins and its operator, not its staff. */
export function operatesStores(scope: Scope): boolean {
  return scope.kind === 'platform' || scope.kind === 'brand' || scope.kind === 'franchisee';
}

/** A store's day-to-day (opening hours, hiring guides, stock): also its staff (店长), never its guides. */
export function runsStores(scope: Scope): boolean {
  return operatesStores(scope) || scope.kind === 'store';
}

/** Internal mutations (@inaccessible) are for other subgraphs only: a signed SERVICE viewer. */
export function requireService(viewer: Viewer): void {
  if (viewer.role !== 'SERVICE') throw forbidden('internal mutation: SERVICE callers only');
}
