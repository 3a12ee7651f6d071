import { formatMoney, parseMoneyInput, UserErrorException, type Database, type Money, type MoneyInput, type Scope } from '@retail/platform';
import { assertMayManageStore } from '../access';
import type { Sku } from '../model';
import { clearStorePrice, saveStorePrice } from '../store/prices';
import { storeWithFence } from '../store/store-directory';
import { skuForStore } from './find-sku';

export interface SetStorePriceInput {
  storeId: string;
  skuId: string;
  price?: MoneyInput | null;
}

/** setStorePrice (千店千面): sets or (price null) clears a store's own price of a SKU. */
export async function setStorePrice(db: Database, scope: Scope, input: SetStorePriceInput): Promise<{ sku: Sku; storePrice: Money }> {
  const price = input.price ? parseMoneyInput(input.price, ['input', 'price']) : null;
  return db.transaction(async (tx) => {
    const store = await storeWithFence(tx, scope, input.storeId);
    assertMayManageStore(scope, store, 'setPrice');
    const sku = await skuForStore(tx, scope, input.skuId, store);
    const key = { storeId: store.storeId, skuId: sku.id };
    if (price === null) {
      await clearStorePrice(tx, key);
      return { sku, storePrice: formatMoney(sku.listPriceFen, sku.currency) };
    }
    if (price.currency !== sku.currency) {
      throw UserErrorException.of('CURRENCY_MISMATCH', `the SKU's list price is in ${sku.currency}`, ['input', 'price', 'currency']);
    }
    await saveStorePrice(tx, { ...key, priceFen: price.fen, currency: price.currency });
    return { sku, storePrice: formatMoney(price.fen, price.currency) };
  });
}
