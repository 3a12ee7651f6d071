import type { Database, Queryable } from '@retail/platform';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { DEMO_CATALOG_STORES, DEMO_DIRECTORY_AS_OF, DEMO_PRODUCTS, DEMO_STOCK, DEMO_STORE_PRICES } from './data';

export * from './data';

/** Inserts rows given as JSON through jsonb_to_recordset: one statement per table, whatever the row count. */
async function insertJson(tx: Queryable, sql: string, rows: readonly object[]): Promise<void> {
  await tx.query(sql, [JSON.stringify(rows)]);
}

/**
 * Loads the demo catalog (./data.ts) and the directory of the demo stores, in one transaction. Idempotent:
 * rows that exist are left as they are (ON CONFLICT DO NOTHING), so a second run neither fails nor
 * overwrites what users changed.
 */
export async function seedProducts(db: Database): Promise<void> {
  const skus = DEMO_PRODUCTS.flatMap((p) => p.skus.map((s, position) => ({ ...s, productId: p.id, brandId: p.brandId, position })));
  await db.transaction(async (tx) => {
    await STORE_DIRECTORY.seed(tx, DEMO_CATALOG_STORES, DEMO_DIRECTORY_AS_OF);
    await insertJson(
      tx,
      `INSERT INTO products.product (id, brand_id, title, category, description, images, status, created_at, updated_at)
       SELECT x.id, x."brandId", x.title, x.category, x.description, ARRAY(SELECT jsonb_array_elements_text(x.images)), x.status, x."createdAt", x."createdAt"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "brandId" text, title text, category text, description text, images jsonb, status text, "createdAt" timestamptz)
       ON CONFLICT (id) DO NOTHING`,
      DEMO_PRODUCTS.map(({ skus: _skus, ...p }) => p),
    );
    await insertJson(
      tx,
      `INSERT INTO products.sku (id, product_id, brand_id, code, barcode, attributes, list_price_fen, currency, status, position)
       SELECT x.id, x."productId", x."brandId", x.code, x.barcode, x.attributes, x."listPriceFen", x.currency, 'ACTIVE', x.position
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "productId" text, "brandId" text, code text, barcode text, attributes jsonb, "listPriceFen" bigint, currency text, position integer)
       ON CONFLICT (id) DO NOTHING`,
      skus,
    );
    await insertJson(
      tx,
      `INSERT INTO products.store_price (store_id, sku_id, price_fen, currency)
       SELECT x."storeId", x."skuId", x."priceFen", x.currency FROM jsonb_to_recordset($1::jsonb) AS x("storeId" text, "skuId" text, "priceFen" bigint, currency text)
       ON CONFLICT (store_id, sku_id) DO NOTHING`,
      DEMO_STORE_PRICES,
    );
    await insertJson(
      tx,
      `INSERT INTO products.stock (store_id, sku_id, on_hand, reserved)
       SELECT x."storeId", x."skuId", x."onHand", x.reserved FROM jsonb_to_recordset($1::jsonb) AS x("storeId" text, "skuId" text, "onHand" integer, reserved integer)
       ON CONFLICT (store_id, sku_id) DO NOTHING`,
      DEMO_STOCK,
    );
  });
}
