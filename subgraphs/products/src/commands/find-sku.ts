import { UserErrorException, type Queryable, type Scope } from '@retail/platform';
import type { Sku, StoreEntry } from '../model';
import { skusByIds } from '../store/skus';

/** The SKU a store-level write is about: NOT_FOUND when unknown or hidden, BRAND_MISMATCH at another brand's store. */
export async function skuForStore(q: Queryable, scope: Scope, skuId: string, store: StoreEntry, field: string[] = ['input', 'skuId']): Promise<Sku> {
  const sku = (await skusByIds(q, scope, [skuId]))[0];
  if (!sku) throw UserErrorException.of('NOT_FOUND', 'no such SKU', field);
  if (sku.brandId !== store.brandId) throw UserErrorException.of('BRAND_MISMATCH', `SKU ${skuId} is not sold by the store's brand`, field);
  return sku;
}
