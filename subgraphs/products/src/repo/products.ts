import { fetchPage, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { ProductSearch } from '../domain/product-search';
import type { Product } from '../model';
import { productVisibleSql } from './catalog-fence';
import { PRODUCT_COLUMNS } from './columns';

/** Escapes LIKE's wildcards and its escape character (backslash, PostgreSQL's default). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function searchConditions(scope: Scope, search: ProductSearch, p: SqlParams): string[] {
  const where = [productVisibleSql(scope, p)];
  if (search.brandId !== null) where.push(`p.brand_id = ${p.add(search.brandId)}`);
  if (search.category !== null) {
    where.push(`(p.category = ${p.add(search.category)} OR p.category LIKE ${p.add(`${escapeLike(search.category)}/%`)})`);
  }
  if (search.status !== null) where.push(`p.status = ${p.add(search.status)}`);
  for (const word of search.words) {
    const pattern = p.add(`%${escapeLike(word)}%`);
    where.push(
      `(p.title ILIKE ${pattern} OR EXISTS (SELECT 1 FROM products.sku s WHERE s.product_id = p.id AND s.status = 'ACTIVE' AND s.code ILIKE ${pattern}))`,
    );
  }
  return where;
}

/**
 * One page of the products the scope may see that match the search, newest first (created_at desc,
 * id desc), in one statement; the total is counted in it only when the page asks for it. A malformed
 * `after` cursor is BAD_USER_INPUT.
 */
export function searchProducts(q: Queryable, scope: Scope, search: ProductSearch, page: PageRequest): Promise<Page<Product>> {
  const p = new SqlParams();
  return fetchPage<Product>(
    q,
    p,
    {
      columns: PRODUCT_COLUMNS,
      from: 'products.product p',
      where: searchConditions(scope, search, p).join(' AND '),
      sort: [timestampSortKey('p.created_at'), 'p.id'],
      descending: true,
    },
    page,
  );
}

/** The visible products among `ids` (one statement for any number of ids). */
export function productsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<Product[]> {
  const p = new SqlParams();
  return q.query<Product>(`SELECT ${PRODUCT_COLUMNS} FROM products.product p WHERE p.id = ANY(${p.add(ids)}::text[]) AND ${productVisibleSql(scope, p)}`, p.values);
}

/** Locks a product for replacement; out of the scope's catalog it is not found. */
export async function lockProduct(tx: Transaction, scope: Scope, id: string): Promise<Product | null> {
  const p = new SqlParams();
  const rows = await tx.query<Product>(
    `SELECT ${PRODUCT_COLUMNS} FROM products.product p WHERE p.id = ${p.add(id)} AND ${productVisibleSql(scope, p)} FOR UPDATE`,
    p.values,
  );
  return rows[0] ?? null;
}

/**
 * Inserts or replaces the product's own fields (created_at stays). Unfenced: an internal write whose caller
 * has checked that the scope administers the product's brand (and locked the product in scope).
 */
export async function saveProduct(tx: Transaction, w: Product): Promise<void> {
  await tx.query(
    `INSERT INTO products.product (id, brand_id, title, category, description, images, status)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7)
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category, description = EXCLUDED.description,
       images = EXCLUDED.images, status = EXCLUDED.status, updated_at = clock_timestamp()`,
    [w.id, w.brandId, w.title, w.category, w.description, w.images, w.status],
  );
}
