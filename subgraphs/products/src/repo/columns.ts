// Column lists shared by the repositories, aliased to the model's camelCase names.

export const PRODUCT_COLUMNS = `p.id, p.brand_id AS "brandId", p.title, p.category, p.description, p.images, p.status`;

/**
 * A product's created_at as the products list's cursor keeps it: UTC with microseconds, so two products
 * created in the same millisecond are never skipped.
 */
export const PRODUCT_CREATED_KEY = `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const SKU_COLUMNS = `s.id, s.product_id AS "productId", s.brand_id AS "brandId", s.code, s.barcode, s.attributes,
  s.list_price_fen AS "listPriceFen", s.currency, s.status`;
