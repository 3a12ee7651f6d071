import { formatMoney, parseMoneyInput, UserErrorException, type Money, type MoneyInput } from '@retail/platform';
import { assertMayManageStore } from '../domain/permissions';
import { skuSoldAt } from '../domain/sku-at-store';
import { publishStorePriceChanged } from '../events/publishes';
import type { ProductsContext } from '../loaders';
import type { Sku } from '../model';
import { clearStorePrice, saveStorePrice } from '../repo/prices';
import { skusByIds } from '../repo/skus';
import { STORE_DIRECTORY } from '../repo/store-directory';

export interface SetStorePriceInput {
  storeId: string;
  skuId: string;
  price?: MoneyInput | null;
}

/**
 * setStorePrice (千店千面): sets or (price null) clears a store's own price of a SKU. An operator's write first
 * asks stores who operates the store now (a handover takes effect at once, not when its event arrives).
 */
export async function setStorePrice(ctx: ProductsContext, input: SetStorePriceInput): Promise<{ sku: Sku; storePrice: Money }> {
  const { scope } = ctx;
  const price = input.price ? parseMoneyInput(input.price, ['input', 'price']) : null;
  const operator = await STORE_DIRECTORY.operatorBeforeWrite(ctx, input.storeId);
  return ctx.db.transaction(async (tx) => {
    const store = await STORE_DIRECTORY.withFence(tx, scope, input.storeId, operator);
    assertMayManageStore(scope, store, 'setPrice');
    const sku = skuSoldAt(store, (await skusByIds(tx, scope, [input.skuId]))[0], input.skuId);
    const key = { storeId: store.storeId, skuId: sku.id };
    const changed = { brandId: sku.brandId, productId: sku.productId, ...key };
    if (price === null) {
      await clearStorePrice(tx, key);
      await publishStorePriceChanged(tx, { ...changed, priceFen: null, currency: sku.currency });
      return { sku, storePrice: formatMoney(sku.listPriceFen, sku.currency) };
    }
    if (price.currency !== sku.currency) {
      throw UserErrorException.of('CURRENCY_MISMATCH', `the SKU's list price is in ${sku.currency}`, ['input', 'price', 'currency']);
    }
    await saveStorePrice(tx, { ...key, priceFen: price.fen, currency: price.currency });
    await publishStorePriceChanged(tx, { ...changed, priceFen: price.fen, currency: price.currency });
    return { sku, storePrice: formatMoney(price.fen, price.currency) };
  });
}
