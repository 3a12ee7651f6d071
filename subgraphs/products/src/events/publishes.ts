import { appendToOutbox, type Transaction } from '@retail/platform';
import type { ProductStatus } from '../model';

// What products publishes (docs/events.md, "products"), appended to the outbox inside the command's transaction
// (docs/architecture.md §6). Stock publishes nothing: it moves with every order, and its readers ask for it.

export const CATALOG_CHANGED = 'products.catalog.changed';
export const PUBLISHES: readonly string[] = [CATALOG_CHANGED];

const SCHEMA = 'products';

/** products.catalog.changed after upsertProduct (key: the product): the product and its SKUs as they are now. */
export interface ProductChangedPayload {
  change: 'PRODUCT';
  brandId: string;
  productId: string;
  status: ProductStatus;
  /** The product's SKUs now (those left out of the upsert are archived, and not listed). */
  skuIds: string[];
  changedAt: string;
}

/** products.catalog.changed after setStorePrice (key: the SKU): a store's own price of a SKU. */
export interface StorePriceChangedPayload {
  change: 'STORE_PRICE';
  brandId: string;
  productId: string;
  skuId: string;
  storeId: string;
  /** The store's own price; null when it was cleared (the list price applies again). */
  priceFen: number | null;
  currency: string;
  changedAt: string;
}

export async function publishProductChanged(tx: Transaction, payload: Omit<ProductChangedPayload, 'change' | 'changedAt'>): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: CATALOG_CHANGED, key: payload.productId, payload: { change: 'PRODUCT', ...payload, changedAt: new Date().toISOString() } });
}

export async function publishStorePriceChanged(tx: Transaction, payload: Omit<StorePriceChangedPayload, 'change' | 'changedAt'>): Promise<void> {
  await appendToOutbox(tx, SCHEMA, { topic: CATALOG_CHANGED, key: payload.skuId, payload: { change: 'STORE_PRICE', ...payload, changedAt: new Date().toISOString() } });
}
