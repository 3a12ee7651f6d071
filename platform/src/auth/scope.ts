import type { SqlParams } from '../db/sql';
import type { Viewer } from './viewer';

/**
 * What rows a caller may reach, derived from the Viewer. Every repository function takes one and
 * puts it into its SQL (fenceSql), so out-of-scope rows behave as not found on every path.
 */
export type Scope =
  | { kind: 'platform' }
  | { kind: 'brand'; brandId: string }
  | { kind: 'franchisee'; brandId: string; franchiseeId: string }
  | { kind: 'store'; brandId: string; storeId: string }
  | { kind: 'guide'; brandId: string; storeId: string; guideId: string }
  | { kind: 'member'; brandId: string; memberId: string }
  | { kind: 'partner'; partnerBrandId: string }
  | { kind: 'anonymous' };

export function scopeFromViewer(v: Viewer): Scope {
  switch (v.role) {
    case 'PLATFORM_ADMIN':
    case 'SERVICE':
      return { kind: 'platform' };
    case 'BRAND_ADMIN':
      return v.brandId ? { kind: 'brand', brandId: v.brandId } : { kind: 'anonymous' };
    case 'FRANCHISEE':
      return v.brandId && v.franchiseeId ? { kind: 'franchisee', brandId: v.brandId, franchiseeId: v.franchiseeId } : { kind: 'anonymous' };
    case 'STORE_STAFF':
      return v.brandId && v.storeId ? { kind: 'store', brandId: v.brandId, storeId: v.storeId } : { kind: 'anonymous' };
    case 'GUIDE':
      return v.brandId && v.storeId && v.guideId ? { kind: 'guide', brandId: v.brandId, storeId: v.storeId, guideId: v.guideId } : { kind: 'anonymous' };
    case 'MEMBER':
      return v.brandId && v.memberId ? { kind: 'member', brandId: v.brandId, memberId: v.memberId } : { kind: 'anonymous' };
    case 'PARTNER':
      return v.partnerBrandId ? { kind: 'partner', partnerBrandId: v.partnerBrandId } : { kind: 'anonymous' };
    default:
      return { kind: 'anonymous' };
  }
}

/** Column expressions of a table (or join) that a scope can be checked against. */
export interface FenceColumns {
  brand?: string;
  franchisee?: string;
  store?: string;
  guide?: string;
  member?: string;
  partnerBrand?: string;
}

/**
 * The SQL condition that keeps a query inside the scope. A scope that needs a column the table
 * does not map sees nothing ("FALSE"): the safe default.
 * A guide is fenced by its guide column where the table has one, else by its store.
 */
export function fenceSql(scope: Scope, cols: FenceColumns, p: SqlParams): string {
  const eq = (col: string | undefined, v: string) => (col ? `${col} = ${p.add(v)}` : null);
  const all = (...conds: (string | null)[]) => (conds.some((c) => c === null) ? 'FALSE' : `(${conds.join(' AND ')})`);
  const withBrand = (brandId: string, cond: string | null) => (cond === null ? 'FALSE' : cols.brand ? all(eq(cols.brand, brandId), cond) : `(${cond})`);
  switch (scope.kind) {
    case 'platform':
      return 'TRUE';
    case 'brand':
      return all(eq(cols.brand, scope.brandId));
    case 'franchisee':
      return withBrand(scope.brandId, eq(cols.franchisee, scope.franchiseeId));
    case 'store':
      return withBrand(scope.brandId, eq(cols.store, scope.storeId));
    case 'guide':
      return withBrand(scope.brandId, cols.guide ? eq(cols.guide, scope.guideId) : eq(cols.store, scope.storeId));
    case 'member':
      return withBrand(scope.brandId, eq(cols.member, scope.memberId));
    case 'partner':
      return all(eq(cols.partnerBrand, scope.partnerBrandId));
    case 'anonymous':
      return 'FALSE';
  }
}

/** A stable key for the scope, used to partition idempotency keys and caches. */
export function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case 'platform':
    case 'anonymous':
      return scope.kind;
    case 'brand':
      return `brand:${scope.brandId}`;
    case 'franchisee':
      return `franchisee:${scope.franchiseeId}`;
    case 'store':
      return `store:${scope.storeId}`;
    case 'guide':
      return `guide:${scope.guideId}`;
    case 'member':
      return `member:${scope.memberId}`;
    case 'partner':
      return `partner:${scope.partnerBrandId}`;
  }
}
