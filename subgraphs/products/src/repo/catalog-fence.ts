import type { Scope, SqlParams } from '@retail/platform';

// The catalog's own fence: who sees which products (products-specific, on top of the shared store fences
// of platform/src/auth/fences.ts; docs/architecture.md §4).

/**
 * Whose catalog a scope sees in full (every status): the platform everything, brand-side roles their
 * own brand, everybody else (anonymous, members, partners) nothing but ACTIVE products.
 */
export function fullCatalogBrand(scope: Scope): 'all' | string | null {
  switch (scope.kind) {
    case 'platform':
      return 'all';
    case 'brand':
    case 'franchisee':
    case 'store':
    case 'guide':
      return scope.brandId;
    default:
      return null;
  }
}

/** SQL condition: the product (alias `p`) is visible in this scope. DRAFT / ARCHIVED behave as not found. */
export function productVisibleSql(scope: Scope, p: SqlParams, alias = 'p'): string {
  const brand = fullCatalogBrand(scope);
  if (brand === 'all') return 'TRUE';
  const active = `${alias}.status = 'ACTIVE'`;
  return brand === null ? active : `(${active} OR ${alias}.brand_id = ${p.add(brand)})`;
}
