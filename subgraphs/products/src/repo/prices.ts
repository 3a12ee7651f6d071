import type { Queryable, Transaction } from '@retail/platform';
import type { StorePrice, StoreSku } from '../model';

// Store prices (千店千面) are part of the public catalog (docs/architecture.md §4): reading them needs no
// fence. Writing them is authorised by the caller (setStorePrice checks the store against the store
// directory's fence and operatesStores), so the writes here are unfenced too.

/** The store's own prices for (store, SKU) pairs, in one statement for any number of pairs. Unfenced: public data. */
export function storePricesFor(q: Queryable, pairs: readonly StoreSku[]): Promise<StorePrice[]> {
  return q.query<StorePrice>(
    `SELECT sp.store_id AS "storeId", sp.sku_id AS "skuId", sp.price_fen AS "priceFen", sp.currency
     FROM unnest($1::text[], $2::text[]) AS k(store_id, sku_id)
     JOIN products.store_price sp ON sp.store_id = k.store_id AND sp.sku_id = k.sku_id`,
    [pairs.map((k) => k.storeId), pairs.map((k) => k.skuId)],
  );
}

/** Sets a store's own price of a SKU. Unfenced: the caller has checked the store (see above). */
export async function saveStorePrice(tx: Transaction, price: StorePrice): Promise<void> {
  await tx.query(
    `INSERT INTO products.store_price (store_id, sku_id, price_fen, currency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (store_id, sku_id) DO UPDATE SET price_fen = EXCLUDED.price_fen, currency = EXCLUDED.currency, updated_at = now()`,
    [price.storeId, price.skuId, price.priceFen, price.currency],
  );
}

/** Clears a store's own price of a SKU (the list price applies again). Unfenced: the caller has checked the store. */
export async function clearStorePrice(tx: Transaction, key: StoreSku): Promise<void> {
  await tx.query('DELETE FROM products.store_price WHERE store_id = $1 AND sku_id = $2', [key.storeId, key.skuId]);
}
