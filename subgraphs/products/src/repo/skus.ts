import { SqlParams, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { Sku, SkuWrite } from '../model';
import { productVisibleSql } from './catalog-fence';
import { SKU_COLUMNS } from './columns';

const FROM_VISIBLE = `FROM products.sku s JOIN products.product p ON p.id = s.product_id`;

/** SKUs by id whose product the scope may see (archived SKUs included: past orders point at them). */
export function skusByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<Sku[]> {
  const p = new SqlParams();
  return q.query<Sku>(`SELECT ${SKU_COLUMNS} ${FROM_VISIBLE} WHERE s.id = ANY(${p.add(ids)}::text[]) AND ${productVisibleSql(scope, p)}`, p.values);
}

/** The ACTIVE SKUs of products (the caller already resolved the products in this scope), in their order. */
export function activeSkusOfProducts(q: Queryable, scope: Scope, productIds: readonly string[]): Promise<Sku[]> {
  const p = new SqlParams();
  return q.query<Sku>(
    `SELECT ${SKU_COLUMNS} ${FROM_VISIBLE}
     WHERE s.product_id = ANY(${p.add(productIds)}::text[]) AND s.status = 'ACTIVE' AND ${productVisibleSql(scope, p)}
     ORDER BY s.product_id, s.position, s.id`,
    p.values,
  );
}

/** A SKU by the brand's code (货号), when the scope may see its product. */
export async function skuByCode(q: Queryable, scope: Scope, brandId: string, code: string): Promise<Sku | null> {
  const p = new SqlParams();
  const rows = await q.query<Sku>(
    `SELECT ${SKU_COLUMNS} ${FROM_VISIBLE} WHERE s.brand_id = ${p.add(brandId)} AND s.code = ${p.add(code)} AND ${productVisibleSql(scope, p)}`,
    p.values,
  );
  return rows[0] ?? null;
}

/**
 * Every SKU of a product, archived ones too, locked for an upsert. Unfenced: the caller has locked the
 * product in its scope (lockProduct) and checked that it administers the brand.
 */
export function lockSkusOfProduct(tx: Transaction, productId: string): Promise<Sku[]> {
  return tx.query<Sku>(`SELECT ${SKU_COLUMNS} FROM products.sku s WHERE s.product_id = $1 ORDER BY s.position FOR UPDATE`, [productId]);
}

/**
 * Codes among `codes` that SKUs of other products of the brand already use. Unfenced on purpose: a code
 * must be unique within the brand, also against products the caller cannot see (the caller checked the brand).
 */
export async function codesUsedElsewhere(tx: Transaction, brandId: string, productId: string, codes: readonly string[]): Promise<Set<string>> {
  const rows = await tx.query<{ code: string }>(`SELECT code FROM products.sku WHERE brand_id = $1 AND product_id <> $2 AND code = ANY($3::text[])`, [
    brandId,
    productId,
    codes,
  ]);
  return new Set(rows.map((r) => r.code));
}

/**
 * Makes the product's SKUs exactly `skus`, in three statements whatever their number: inserts or
 * updates them as ACTIVE, archives the product's others (never deletes), and clears store prices
 * whose currency no longer matches the list price. The code constraint is deferred to the commit,
 * so two SKUs may swap codes. Unfenced: an internal write whose caller checked the brand and locked the product.
 */
export async function replaceSkusOfProduct(tx: Transaction, product: { id: string; brandId: string }, skus: readonly SkuWrite[]): Promise<void> {
  await tx.query('SET CONSTRAINTS products.sku_brand_code DEFERRED');
  await tx.query(
    `UPDATE products.sku SET status = 'ARCHIVED', updated_at = clock_timestamp()
     WHERE product_id = $1 AND status <> 'ARCHIVED' AND NOT (id = ANY($2::text[]))`,
    [product.id, skus.map((s) => s.id)],
  );
  await tx.query(
    `INSERT INTO products.sku (id, product_id, brand_id, code, barcode, attributes, list_price_fen, currency, status, position)
     SELECT x.id, $1, $2, x.code, x.barcode, x.attributes, x.list_price_fen, x.currency, 'ACTIVE', x.position
     FROM jsonb_to_recordset($3::jsonb) AS x(id text, code text, barcode text, attributes jsonb, list_price_fen bigint, currency text, position integer)
     ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, barcode = EXCLUDED.barcode, attributes = EXCLUDED.attributes,
       list_price_fen = EXCLUDED.list_price_fen, currency = EXCLUDED.currency, status = 'ACTIVE', position = EXCLUDED.position,
       updated_at = clock_timestamp()
     WHERE products.sku.product_id = EXCLUDED.product_id`,
    [
      product.id,
      product.brandId,
      JSON.stringify(skus.map((s) => ({ id: s.id, code: s.code, barcode: s.barcode, attributes: s.attributes, list_price_fen: s.listPriceFen, currency: s.currency, position: s.position }))),
    ],
  );
  await tx.query(
    `DELETE FROM products.store_price sp USING products.sku s
     WHERE sp.sku_id = s.id AND s.product_id = $1 AND sp.currency <> s.currency`,
    [product.id],
  );
}

/**
 * For order-taking: each known SKU's brand and whether it is on sale (SKU and product ACTIVE). Unfenced:
 * only the internal reserveStock (a SERVICE caller, whose scope is the platform) asks.
 */
export function skuSellability(q: Queryable, ids: readonly string[]): Promise<{ id: string; brandId: string; sellable: boolean }[]> {
  return q.query(
    `SELECT s.id, s.brand_id AS "brandId", (s.status = 'ACTIVE' AND p.status = 'ACTIVE') AS sellable
     FROM products.sku s JOIN products.product p ON p.id = s.product_id WHERE s.id = ANY($1::text[])`,
    [ids],
  );
}
