import { fenceSql, type Scope, type SqlParams } from '@retail/platform';

// The SQL conditions that keep each aggregate inside the caller's scope (DESIGN §5), one per table.
// `a` is the table alias the calling query uses.

/** A store is in scope for its brand, its operator, its staff and its guides. */
export function storeFence(scope: Scope, p: SqlParams, a = 's'): string {
  return fenceSql(scope, { brand: `${a}.brand_id`, franchisee: `${a}.franchisee_id`, store: `${a}.id` }, p);
}

/** A guide is in scope wherever its store is: a GUIDE sees the guides of its own store. */
export function guideFence(scope: Scope, p: SqlParams, a = 'g'): string {
  const store = storeFence(scope, p, 'gs');
  if (store === 'TRUE' || store === 'FALSE') return store;
  return `EXISTS (SELECT 1 FROM stores.store gs WHERE gs.id = ${a}.store_id AND ${store})`;
}

/** An operator is in scope for its brand, itself, and the staff and guides of the stores it runs. */
export function franchiseeFence(scope: Scope, p: SqlParams, a = 'f'): string {
  const direct = fenceSql(scope, { brand: `${a}.brand_id`, franchisee: `${a}.id` }, p);
  if (scope.kind !== 'store' && scope.kind !== 'guide') return direct;
  return `EXISTS (SELECT 1 FROM stores.store fs WHERE fs.franchisee_id = ${a}.id AND ${storeFence(scope, p, 'fs')})`;
}

/** A brand is in scope for everybody acting inside it (its admins, operators, staff, members) and for a partner acting for it. */
export function brandFence(scope: Scope, p: SqlParams, a = 'b'): string {
  switch (scope.kind) {
    case 'platform':
      return 'TRUE';
    case 'partner':
      return fenceSql(scope, { partnerBrand: `${a}.id` }, p);
    case 'anonymous':
      return 'FALSE';
    default:
      return `${a}.id = ${p.add(scope.brandId)}`;
  }
}

/** Who gets the public store list (OPEN stores of every brand) instead of a fenced one. */
export function seesPublicStoreList(scope: Scope): boolean {
  return scope.kind === 'anonymous' || scope.kind === 'member' || scope.kind === 'partner';
}
