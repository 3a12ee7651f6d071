import { byKeys, entityLoader, groupByKeys, type Database, type Scope, type SubgraphContext } from '@retail/platform';
import DataLoader from 'dataloader';
import { storeSkuKey, type Sku, type StockLevel, type StorePrice, type StoreSku } from './model';
import { storePricesFor } from './repo/prices';
import { productsByIds } from './repo/products';
import { activeSkusOfProducts, skusByIds } from './repo/skus';
import { stockFor } from './repo/stock';

/**
 * The request's catalog loaders, built once per request from the caller's scope: each turns all loads of
 * one request level into ONE statement, fenced by that scope (so caching never crosses callers).
 */
export function createLoaders(db: Database, scope: Scope) {
  return {
    product: entityLoader((ids) => productsByIds(db, scope, ids)),
    sku: entityLoader((ids) => skusByIds(db, scope, ids)),
    /** The ACTIVE SKUs of products, in their order. */
    skusOfProduct: new DataLoader<string, Sku[]>(async (ids) => groupByKeys(ids, await activeSkusOfProducts(db, scope, ids), (r) => r.productId)),
    /** A store's own price of a SKU; null when the list price applies. */
    storePrice: new DataLoader<StoreSku, StorePrice | null, string>(
      async (keys) => byKeys(keys.map(storeSkuKey), await storePricesFor(db, keys), storeSkuKey),
      { cacheKeyFn: storeSkuKey },
    ),
    /** Stock of a SKU at a store (0 without a row), with whether the caller may see onHand / reserved. */
    stock: new DataLoader<StoreSku, StockLevel, string>(
      async (keys) => {
        const rows = byKeys(keys.map(storeSkuKey), await stockFor(db, scope, keys), storeSkuKey);
        return rows.map((r, i) => r ?? new Error(`no stock row for ${storeSkuKey(keys[i]!)}`));
      },
      { cacheKeyFn: storeSkuKey },
    ),
  };
}

export type ProductsLoaders = ReturnType<typeof createLoaders>;
export type ProductsContext = SubgraphContext<ProductsLoaders>;
