// Column lists shared by the repositories, aliased to the model's camelCase names.

export const PRODUCT_COLUMNS = `p.id, p.brand_id AS "brandId", p.title, p.category, p.description, p.images, p.status`;

export const SKU_COLUMNS = `s.id, s.product_id AS "productId", s.brand_id AS "brandId", s.code, s.barcode, s.attributes,
  s.list_price_fen AS "listPriceFen", s.currency, s.status`;
