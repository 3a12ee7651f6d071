import { byKeys, groupByKeys, type Database, type SubgraphContext } from '@retail/platform';
import type DataLoader from 'dataloader';
import { storeSkuKey, type Product, type Sku, type StockLevel, type StorePrice, type StoreSku } from './model';
import { storePricesFor } from './store/prices';
import { productsByIds } from './store/products';
import { activeSkusOfProducts, skusByIds } from './store/skus';
import { stockFor } from './store/stock';

/**
 * The request's catalog loaders: each turns all loads of one request level into ONE statement,
 * fenced by the request's scope (the loaders live in the per-request context, so nothing leaks).
 */
export interface CatalogLoaders {
  product: DataLoader<string, Product | null>;
  sku: DataLoader<string, Sku | null>;
  skusOfProduct: DataLoader<string, Sku[]>;
  storePrice: DataLoader<StoreSku, StorePrice | null, string>;
  stock: DataLoader<StoreSku, StockLevel, string>;
}

export function catalogLoaders(db: Database, ctx: SubgraphContext): CatalogLoaders {
  const { scope, loaders } = ctx;
  return {
    product: loaders.get<string, Product | null>('products.product', async (ids) => byKeys(ids, await productsByIds(db, scope, ids), (r) => r.id)),
    sku: loaders.get<string, Sku | null>('products.sku', async (ids) => byKeys(ids, await skusByIds(db, scope, ids), (r) => r.id)),
    skusOfProduct: loaders.get<string, Sku[]>('products.skusOfProduct', async (ids) =>
      groupByKeys(ids, await activeSkusOfProducts(db, scope, ids), (r) => r.productId),
    ),
    storePrice: loaders.get<StoreSku, StorePrice | null, string>(
      'products.storePrice',
      async (keys) => byKeys(keys.map(storeSkuKey), await storePricesFor(db, keys), storeSkuKey),
      { cacheKeyFn: storeSkuKey },
    ),
    stock: loaders.get<StoreSku, StockLevel, string>(
      'products.stock',
      async (keys) => {
        const rows = byKeys(keys.map(storeSkuKey), await stockFor(db, scope, keys), storeSkuKey);
        return rows.map((r, i) => r ?? new Error(`no stock row for ${storeSkuKey(keys[i]!)}`));
      },
      { cacheKeyFn: storeSkuKey },
    ),
  };
}
