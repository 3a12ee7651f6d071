import { UserErrorException } from '@retail/platform';
import type { Sku, StoreEntry } from '../model';

/**
 * The SKU a store-level write is about (as the caller's scope sees it): NOT_FOUND when unknown or hidden,
 * BRAND_MISMATCH when the store's brand does not sell it.
 */
export function skuSoldAt(store: StoreEntry, sku: Sku | undefined, skuId: string, field: string[] = ['input', 'skuId']): Sku {
  if (!sku) throw UserErrorException.of('NOT_FOUND', 'no such SKU', field);
  if (sku.brandId !== store.brandId) throw UserErrorException.of('BRAND_MISMATCH', `SKU ${skuId} is not sold by the store's brand`, field);
  return sku;
}
