import { SqlParams, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { Product, ProductStatus } from '../model';
import { productVisibleSql } from './catalog-fence';
import { PRODUCT_COLUMNS } from './columns';

/** A validated products(filter): every condition must hold. */
export interface ProductSearch {
  brandId: string | null;
  /** Category path without surrounding slashes; matches itself and its sub-paths. */
  category: string | null;
  /** Each word must occur in the title or in one of the product's SKU codes. */
  words: string[];
  status: ProductStatus | null;
}

/** Keyset position: the last row of the previous page. */
export interface ProductKeyset {
  createdKey: string;
  id: string;
}

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

/** One page of products, newest first (created_at desc, id desc); fetches `limit` rows. */
export async function searchProducts(q: Queryable, scope: Scope, search: ProductSearch, after: ProductKeyset | null, limit: number): Promise<Product[]> {
  const p = new SqlParams();
  const where = searchConditions(scope, search, p);
  if (after) where.push(`(p.created_at, p.id) < (${p.add(after.createdKey)}::timestamptz, ${p.add(after.id)})`);
  return q.query<Product>(
    `SELECT ${PRODUCT_COLUMNS} FROM products.product p WHERE ${where.join(' AND ')}
     ORDER BY p.created_at DESC, p.id DESC LIMIT ${p.add(limit)}`,
    p.values,
  );
}

export async function countProducts(q: Queryable, scope: Scope, search: ProductSearch): Promise<number> {
  const p = new SqlParams();
  const rows = await q.query<{ n: number }>(`SELECT count(*) AS n FROM products.product p WHERE ${searchConditions(scope, search, p).join(' AND ')}`, p.values);
  return rows[0]?.n ?? 0;
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

/** A product as saved: everything but the derived listing key. */
export type ProductWrite = Omit<Product, 'createdKey'>;

/** Inserts or replaces the product's own fields (created_at stays). */
export async function saveProduct(tx: Transaction, w: ProductWrite): Promise<void> {
  await tx.query(
    `INSERT INTO products.product (id, brand_id, title, category, description, images, status)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7)
     ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category, description = EXCLUDED.description,
       images = EXCLUDED.images, status = EXCLUDED.status, updated_at = clock_timestamp()`,
    [w.id, w.brandId, w.title, w.category, w.description, w.images, w.status],
  );
}
