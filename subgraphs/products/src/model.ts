// The products subgraph's records as the repositories return them (camelCase, money in fen).

export type ProductStatus = 'DRAFT' | 'ACTIVE' | 'ARCHIVED';
export type SkuStatus = 'ACTIVE' | 'ARCHIVED';

export interface SkuAttribute {
  name: string;
  value: string;
}

export interface Product {
  id: string;
  brandId: string;
  title: string;
  category: string;
  description: string | null;
  images: string[];
  status: ProductStatus;
}

export interface Sku {
  id: string;
  productId: string;
  brandId: string;
  code: string;
  barcode: string | null;
  attributes: SkuAttribute[];
  listPriceFen: number;
  currency: string;
  status: SkuStatus;
}

/** A SKU as upsertProduct writes it: its product and brand are the product's, its status ACTIVE. */
export interface SkuWrite {
  id: string;
  code: string;
  barcode: string | null;
  attributes: SkuAttribute[];
  listPriceFen: number;
  currency: string;
  /** Its place in the product's list of SKUs. */
  position: number;
}

/** A store as products knows it (its store directory's copy of the stores subgraph's facts, for fencing). */
export type { StoreEntry, StoreInScope } from '@retail/platform';

/** A (store, SKU) pair: the key of prices and stock. */
export interface StoreSku {
  storeId: string;
  skuId: string;
}

export interface StorePrice extends StoreSku {
  priceFen: number;
  currency: string;
}

/** The StoreStock type's source: quantities plus whether the caller may see onHand / reserved. */
export interface StockLevel extends StoreSku, Quantities {
  staffVisible: boolean;
}

/** The quantities of one stock row. */
export interface Quantities {
  onHand: number;
  reserved: number;
}

/** A change of one stock row; the table's CHECKs keep 0 <= reserved <= onHand. */
export interface StockChange extends StoreSku {
  onHandDelta: number;
  reservedDelta: number;
}

export const storeSkuKey = (k: StoreSku): string => `${k.storeId}\u0000${k.skuId}`;

export type ReservationStatus = 'HELD' | 'RELEASED' | 'CONSUMED' | 'EXPIRED';

/** A SKU and a number of units, as reserveStock and a partial RETURN take them. */
export interface StockLine {
  skuId: string;
  quantity: number;
}

export interface ReservationLine extends StockLine {
  /** Units given back by partial RETURNs; the line holds quantity - returnedQuantity while HELD. */
  returnedQuantity: number;
}

/** A stock reservation (预占) for one store-pickup order. */
export interface Reservation {
  id: string;
  storeId: string;
  orderId: string;
  status: ReservationStatus;
  lines: ReservationLine[];
  /** ISO 8601, UTC. */
  expiresAt: string | null;
}

/** What an order line needs of a SKU at a store (the internal sellableSkus query). */
export interface SellableSkuRow {
  skuId: string;
  brandId: string;
  productTitle: string;
  attributes: SkuAttribute[];
  /** SKU and product ACTIVE, and the store's brand sells it. */
  sellable: boolean;
  /** The store's own price when set, else the list price. */
  priceFen: number;
  currency: string;
}
