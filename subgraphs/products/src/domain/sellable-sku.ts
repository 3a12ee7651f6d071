import { formatMoney, type Money } from '@retail/platform';
import type { SellableSkuRow, SkuAttribute } from '../model';

/** The title an order line keeps of a SKU: the product's title and the SKU's attribute values, e.g. "无钢圈文胸 白色 70B". */
export function skuTitle(productTitle: string, attributes: readonly SkuAttribute[]): string {
  return [productTitle, ...attributes.map((a) => a.value)].join(' ');
}

/** The internal SellableSku type's value. */
export function sellableSku(row: SellableSkuRow): { skuId: string; brandId: string; title: string; sellable: boolean; unitPrice: Money } {
  return { skuId: row.skuId, brandId: row.brandId, title: skuTitle(row.productTitle, row.attributes), sellable: row.sellable, unitPrice: formatMoney(row.priceFen, row.currency) };
}
