import type { SqlParams } from '../db/sql';
import { fenceSql, type Scope } from './scope';

// The tenant fence for the shapes every subgraph meets (docs/architecture.md §4): rows of a store, rows
// that hang off a store, store operators, brands. Each returns an SQL condition bound to `p`.

/**
 * A table of stores: the stores subgraph's own `stores.store`, or another subgraph's copy of it
 * (`<schema>.store_directory`, fed by stores.store.changed events). Column names, not expressions.
 */
export interface StoreTable {
  table: string;
  id: string;
  brand: string;
  franchisee: string;
}

/** A store row (alias `a` of a StoreTable) is in scope for its brand, its operator, its staff and its guides. */
export function storeFence(scope: Scope, p: SqlParams, t: StoreTable, a: string): string {
  return fenceSql(scope, { brand: `${a}.${t.brand}`, franchisee: `${a}.${t.franchisee}`, store: `${a}.${t.id}` }, p);
}

/**
 * A row that belongs to a store (a guide, a stock level, a member's home store…) is in scope wherever its
 * store is: `storeId` is the row's store column. A store the table does not know is out of scope.
 */
export function viaStoreFence(scope: Scope, p: SqlParams, t: StoreTable, storeId: string): string {
  const fence = storeFence(scope, p, t, 'fence_store');
  if (fence === 'TRUE' || fence === 'FALSE') return fence;
  return `EXISTS (SELECT 1 FROM ${t.table} fence_store WHERE fence_store.${t.id} = ${storeId} AND ${fence})`;
}

/**
 * A row that belongs to a store and may name its guide and its member (a member with its home store and
 * exclusive guide): in scope for its brand (`brand`), the operator of its store (through the store table `t`), the
 * store's staff (`store`), its guide (`guide`; without that column, the guides of its store) and the member itself
 * (`member`). A row without a store (NULL) is reached by its brand and its member only.
 */
export function storeRowFence(scope: Scope, p: SqlParams, t: StoreTable, cols: { brand: string; store: string; guide?: string; member?: string }): string {
  if (scope.kind !== 'franchisee') return fenceSql(scope, cols, p);
  return `(${cols.brand} = ${p.add(scope.brandId)} AND EXISTS (SELECT 1 FROM ${t.table} fence_store WHERE fence_store.${t.id} = ${cols.store} AND fence_store.${t.franchisee} = ${p.add(scope.franchiseeId)}))`;
}

/**
 * A store operator (franchisee, joint-operation partner, the brand's direct arm) is in scope for its brand,
 * itself, and the staff and guides of the stores it runs.
 */
export function operatorFence(scope: Scope, p: SqlParams, t: StoreTable, cols: { id: string; brand: string }): string {
  if (scope.kind !== 'store' && scope.kind !== 'guide') return fenceSql(scope, { brand: cols.brand, franchisee: cols.id }, p);
  return `EXISTS (SELECT 1 FROM ${t.table} fence_store WHERE fence_store.${t.franchisee} = ${cols.id} AND ${storeFence(scope, p, t, 'fence_store')})`;
}

/** A brand is in scope for everybody acting inside it (admins, operators, staff, guides, members) and for a partner acting for it. */
export function brandFence(scope: Scope, p: SqlParams, brandId: string): string {
  switch (scope.kind) {
    case 'platform':
      return 'TRUE';
    case 'partner':
      return fenceSql(scope, { partnerBrand: brandId }, p);
    case 'anonymous':
      return 'FALSE';
    default:
      return `${brandId} = ${p.add(scope.brandId)}`;
  }
}

/** Who gets public lists (e.g. every OPEN store) instead of fenced ones: nobody who works for a brand. */
export function seesPublicLists(scope: Scope): boolean {
  return scope.kind === 'anonymous' || scope.kind === 'member' || scope.kind === 'partner';
}
