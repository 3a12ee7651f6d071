import type { Queryable } from '@retail/platform';
import type { SellableSkuRow } from '../model';

/**
 * What order lines need of SKUs at a store, in one statement for any number of ids, in the order asked;
 * unknown ids are left out. Sellable: SKU and product ACTIVE and the store's brand (products' store directory)
 * is the SKU's. Unfenced: only the internal sellableSkus query (a SERVICE caller, whose scope is the platform)
 * asks, and prices and sellability are public catalog facts (docs/architecture.md §4).
 */
export function sellableSkusAt(q: Queryable, storeId: string, skuIds: readonly string[]): Promise<SellableSkuRow[]> {
  return q.query<SellableSkuRow>(
    `SELECT s.id AS "skuId", s.brand_id AS "brandId", p.title AS "productTitle", s.attributes,
       (s.status = 'ACTIVE' AND p.status = 'ACTIVE' AND d.brand_id IS NOT DISTINCT FROM s.brand_id) AS sellable,
       COALESCE(sp.price_fen, s.list_price_fen) AS "priceFen", COALESCE(sp.currency, s.currency) AS currency
     FROM (SELECT DISTINCT ON (k.id) k.id, k.n FROM unnest($2::text[]) WITH ORDINALITY AS k(id, n) ORDER BY k.id, k.n) AS asked
     JOIN products.sku s ON s.id = asked.id
     JOIN products.product p ON p.id = s.product_id
     LEFT JOIN products.store_directory d ON d.store_id = $1
     LEFT JOIN products.store_price sp ON sp.store_id = $1 AND sp.sku_id = s.id
     ORDER BY asked.n`,
    [storeId, skuIds],
  );
}
