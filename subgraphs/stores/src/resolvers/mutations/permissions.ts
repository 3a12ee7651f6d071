import { UserErrorException, type Scope } from '@retail/platform';

// Who may change what, on top of the fence (which already limits the rows a caller reaches).

/** Onboarding operators and opening stores: platform admins and the brand's own admins. */
export function administersBrand(scope: Scope, brandId: string): boolean {
  return scope.kind === 'platform' || (scope.kind === 'brand' && scope.brandId === brandId);
}

/** Editing a store in scope (name, address, status...): its brand's admins and its operator, not its staff. */
export function editsStores(scope: Scope): boolean {
  return scope.kind === 'platform' || scope.kind === 'brand' || scope.kind === 'franchisee';
}

/** A store's day-to-day (opening hours, hiring and leaving guides): also its staff (店长), never its guides. */
export function runsStores(scope: Scope): boolean {
  return editsStores(scope) || scope.kind === 'store';
}

export function forbidden(message: string, field: string[] | null = null): UserErrorException {
  return UserErrorException.of('FORBIDDEN', message, field);
}

export function notFound(what: string, field: string[]): UserErrorException {
  return UserErrorException.of('NOT_FOUND', `${what} not found`, field);
}
