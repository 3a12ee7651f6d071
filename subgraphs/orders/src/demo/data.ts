// Demo data of the orders subgraph (the demo story: README, "Run it"): its copies of the demo stores and guides,
// and orders of the demo members over the channels. Ids of other subgraphs come from their ./demo exports.
import type { GuideEntry } from '@retail/platform';
import { DEMO_PRODUCTS, DEMO_STORE_PRICES } from '@retail/products/demo';
import { DEMO_GUIDES, DEMO_STORES } from '@retail/stores/demo';
import { isOpenAt, nextOpening } from '../domain/opening-hours';
import type { FulfillmentType, OrderStatus, PaymentProvider, SalesChannel, StoreProfile } from '../model';
import type { DemoCommission } from '../repo/splits';

/** The demo's copies are as of this time, so any real event about a store or guide is newer. */
export const DEMO_DIRECTORY_AS_OF = '2024-01-01T00:00:00Z';

export const DEMO_ORDER_STORES = DEMO_STORES.map((s) => ({ storeId: s.id, brandId: s.brandId, franchiseeId: s.franchiseeId }));

/** The demo stores' time zone (the stores subgraph's stores are all in China). */
export const DEMO_TIMEZONE = 'Asia/Shanghai';

export const DEMO_STORE_PROFILES: readonly StoreProfile[] = DEMO_STORES.map((s) => ({
  storeId: s.id,
  pickupEnabled: s.pickupEnabled,
  status: s.status,
  timezone: DEMO_TIMEZONE,
  openingHours: s.openingHours,
}));

export const DEMO_ORDER_GUIDES: readonly GuideEntry[] = DEMO_GUIDES.map((g) => ({ guideId: g.id, brandId: g.brandId, storeId: g.storeId, status: g.status }));

// ---- demo orders ----

export interface DemoOrderLine {
  skuId: string;
  quantity: number;
}

/** An order of the demo story; its prices, titles, operator and payment follow from the other subgraphs' demo data. */
export interface DemoOrderSpec {
  id: string;
  channel: SalesChannel;
  externalOrderId?: string;
  memberId: string | null;
  storeId: string;
  guideId: string | null;
  status: OrderStatus;
  fulfillment: FulfillmentType;
  /** 6 digits for a store-pickup order waiting to be collected (核销) or collected. */
  pickupCode?: string;
  placedAt: string;
  /** Minutes after placedAt; absent for an unpaid order. */
  paidAfterMin?: number;
  provider?: PaymentProvider;
  lines: DemoOrderLine[];
}

/** A demo order as it is seeded: priced, with its operator at order time and its payment. */
export interface DemoOrder extends DemoOrderSpec {
  brandId: string;
  franchiseeId: string;
  /** Placed while the store was closed by its opening hours. */
  offHours: boolean;
  totalFen: number;
  paidAt: string | null;
  readyAt: string | null;
  pickedUpAt: string | null;
  priced: { skuId: string; title: string; quantity: number; unitPriceFen: number; lineTotalFen: number }[];
}

const SPECS: readonly DemoOrderSpec[] = [
  // 门店自提 waiting at the counter (待自提), paid on the WeChat mini-program.
  { id: 'ord-demo-lng-0001', channel: 'WECHAT_MINIPROGRAM', memberId: 'mem-lng-0007', storeId: 'store-lng-03', guideId: 'gd-lng-03-1', status: 'READY_FOR_PICKUP', fulfillment: 'STORE_PICKUP', pickupCode: '480213', placedAt: '2024-11-11T02:15:00.000Z', paidAfterMin: 2, provider: 'WECHAT_PAY', lines: [{ skuId: 'sku-lng-br-2401-bk-70b', quantity: 1 }, { skuId: 'sku-lng-pt-2401-nu-m', quantity: 2 }] },
  // Paid, not packed yet; placed at night (off hours), scheduled for the next opening.
  { id: 'ord-demo-lng-0002', channel: 'ALIPAY_MINIPROGRAM', memberId: 'mem-lng-0005', storeId: 'store-lng-09', guideId: 'gd-lng-09-1', status: 'PAID', fulfillment: 'STORE_PICKUP', pickupCode: '917364', placedAt: '2024-11-11T16:40:00.000Z', paidAfterMin: 1, provider: 'ALIPAY', lines: [{ skuId: 'sku-lng-pj-2402-bl-m', quantity: 1 }] },
  // Collected (已核销).
  { id: 'ord-demo-lng-0003', channel: 'WECHAT_MINIPROGRAM', memberId: 'mem-lng-0010', storeId: 'store-lng-04', guideId: 'gd-lng-04-1', status: 'COMPLETED', fulfillment: 'STORE_PICKUP', pickupCode: '205581', placedAt: '2024-11-02T06:00:00.000Z', paidAfterMin: 3, provider: 'WECHAT_PAY', lines: [{ skuId: 'sku-lng-br-2401-bk-75b', quantity: 1 }] },
  // 导购代客下单 over WeCom, shipped.
  { id: 'ord-demo-lng-0004', channel: 'WECOM', memberId: 'mem-lng-0001', storeId: 'store-lng-01', guideId: 'gd-lng-01-1', status: 'PAID', fulfillment: 'DELIVERY', placedAt: '2024-11-05T08:30:00.000Z', paidAfterMin: 10, provider: 'WECHAT_PAY', lines: [{ skuId: 'sku-lng-sh-2401-bk-m', quantity: 1 }] },
  // A sale at the till (门店收银), member and walk-in.
  { id: 'ord-demo-lng-0005', channel: 'POS', memberId: 'mem-lng-0007', storeId: 'store-lng-03', guideId: 'gd-lng-03-2', status: 'COMPLETED', fulfillment: 'STORE_PICKUP', placedAt: '2024-11-09T07:20:00.000Z', paidAfterMin: 1, provider: 'CASH', lines: [{ skuId: 'sku-lng-pt-2402-wh-m', quantity: 3 }] },
  { id: 'ord-demo-lng-0006', channel: 'POS', memberId: null, storeId: 'store-lng-06', guideId: null, status: 'COMPLETED', fulfillment: 'STORE_PICKUP', placedAt: '2024-11-09T09:05:00.000Z', paidAfterMin: 1, provider: 'WECHAT_PAY', lines: [{ skuId: 'sku-lng-br-2403-wh-70b', quantity: 1 }] },
  // Marketplace orders, as the channels subgraph's events bring them.
  { id: 'ord-demo-lng-0007', channel: 'TMALL', externalOrderId: '3912045566012876543', memberId: 'mem-lng-0003', storeId: 'store-lng-01', guideId: null, status: 'COMPLETED', fulfillment: 'DELIVERY', placedAt: '2024-11-11T00:00:05.000Z', paidAfterMin: 1, provider: 'TMALL', lines: [{ skuId: 'sku-lng-br-2402-nu-75b', quantity: 2 }] },
  { id: 'ord-demo-lng-0008', channel: 'JD', externalOrderId: '298811223344', memberId: 'mem-lng-0006', storeId: 'store-lng-02', guideId: null, status: 'PAID', fulfillment: 'DELIVERY', placedAt: '2024-11-11T01:30:00.000Z', paidAfterMin: 2, provider: 'JD', lines: [{ skuId: 'sku-lng-pj-2403-bk-m', quantity: 1 }] },
  // Not paid yet (待付款).
  { id: 'ord-demo-lng-0009', channel: 'WECHAT_MINIPROGRAM', memberId: 'mem-lng-0009', storeId: 'store-lng-07', guideId: null, status: 'PENDING_PAYMENT', fulfillment: 'DELIVERY', placedAt: '2024-11-12T03:00:00.000Z', lines: [{ skuId: 'sku-lng-pj-2401-ch-m', quantity: 1 }] },
  { id: 'ord-demo-csm-0001', channel: 'WECHAT_MINIPROGRAM', memberId: 'mem-csm-0001', storeId: 'store-csm-01', guideId: 'gd-csm-01-1', status: 'READY_FOR_PICKUP', fulfillment: 'STORE_PICKUP', pickupCode: '663019', placedAt: '2024-11-11T04:00:00.000Z', paidAfterMin: 2, provider: 'WECHAT_PAY', lines: [{ skuId: 'sku-csm-se-2401-30ml', quantity: 1 }] },
  { id: 'ord-demo-csm-0002', channel: 'POS', memberId: 'mem-csm-0004', storeId: 'store-csm-04', guideId: null, status: 'COMPLETED', fulfillment: 'STORE_PICKUP', placedAt: '2024-11-08T05:00:00.000Z', paidAfterMin: 1, provider: 'CASH', lines: [{ skuId: 'sku-csm-se-2401-30ml', quantity: 2 }] },
];

const SKUS = new Map(DEMO_PRODUCTS.flatMap((p) => p.skus.map((s) => [s.id, { product: p, sku: s }] as const)));
const STORE_PRICES = new Map(DEMO_STORE_PRICES.map((p) => [`${p.storeId}/${p.skuId}`, p.priceFen]));
const STORES = new Map(DEMO_STORES.map((s) => [s.id, s]));
const addMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

function priced(spec: DemoOrderSpec): DemoOrder {
  const store = STORES.get(spec.storeId);
  if (!store) throw new Error(`demo order ${spec.id}: unknown store ${spec.storeId}`);
  const lines = spec.lines.map((l) => {
    const found = SKUS.get(l.skuId);
    if (!found || found.product.brandId !== store.brandId) throw new Error(`demo order ${spec.id}: no SKU ${l.skuId} of ${store.brandId}`);
    const unitPriceFen = STORE_PRICES.get(`${spec.storeId}/${l.skuId}`) ?? found.sku.listPriceFen;
    const title = [found.product.title, ...found.sku.attributes.map((a) => a.value)].join(' ');
    return { skuId: l.skuId, title, quantity: l.quantity, unitPriceFen, lineTotalFen: unitPriceFen * l.quantity };
  });
  const paidAt = spec.paidAfterMin === undefined ? null : addMinutes(spec.placedAt, spec.paidAfterMin);
  const pickup = spec.fulfillment === 'STORE_PICKUP';
  const placedAt = new Date(spec.placedAt);
  const offHours = !isOpenAt(store.openingHours, DEMO_TIMEZONE, placedAt);
  const scheduled = pickup && offHours && spec.channel !== 'POS' ? nextOpening(store.openingHours, DEMO_TIMEZONE, placedAt)!.toISOString() : null;
  return {
    ...spec,
    brandId: store.brandId,
    franchiseeId: store.franchiseeId,
    totalFen: lines.reduce((s, l) => s + l.lineTotalFen, 0),
    paidAt,
    offHours,
    readyAt: pickup && (spec.status === 'READY_FOR_PICKUP' || spec.status === 'COMPLETED') && spec.channel !== 'POS' ? addMinutes(spec.placedAt, 90) : scheduled,
    pickedUpAt: pickup && spec.status === 'COMPLETED' ? (spec.channel === 'POS' ? paidAt : addMinutes(spec.placedAt, 24 * 60)) : null,
    priced: lines,
  };
}

/** The demo orders: every channel, pickups waiting and collected, sales at the till, one unpaid. */
export const DEMO_ORDERS: readonly DemoOrder[] = SPECS.map(priced);

// ---- 分账 and refunds ----

const DEMO_RATES_FROM = '2024-01-01T00:00:00+08:00';

/** The brands' commission on their operators' sales (分账), in force since the demo began; the brands' own arms have none. */
export const DEMO_COMMISSIONS: readonly DemoCommission[] = [
  { id: 'com-demo-lng-a', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', rateBasisPoints: 1000, effectiveFrom: DEMO_RATES_FROM },
  { id: 'com-demo-lng-b', brandId: 'brand-lng', franchiseeId: 'fr-lng-b', rateBasisPoints: 800, effectiveFrom: DEMO_RATES_FROM },
  { id: 'com-demo-lng-jo', brandId: 'brand-lng', franchiseeId: 'fr-lng-jo', rateBasisPoints: 2000, effectiveFrom: DEMO_RATES_FROM },
  { id: 'com-demo-csm-a', brandId: 'brand-csm', franchiseeId: 'fr-csm-a', rateBasisPoints: 1200, effectiveFrom: DEMO_RATES_FROM },
  { id: 'com-demo-csm-b', brandId: 'brand-csm', franchiseeId: 'fr-csm-b', rateBasisPoints: 1000, effectiveFrom: DEMO_RATES_FROM },
  { id: 'com-demo-csm-jo', brandId: 'brand-csm', franchiseeId: 'fr-csm-jo', rateBasisPoints: 1800, effectiveFrom: DEMO_RATES_FROM },
];

/** A SUCCEEDED refund of the demo story, priced from its order's lines. */
export interface DemoRefund {
  id: string;
  orderId: string;
  amountFen: number;
  provider: PaymentProvider;
  reason: string;
  requestedAt: string;
  completedAt: string;
  lines: { lineId: string; quantity: number; restock: boolean }[];
}

const DEMO_ORDER_BY_ID = new Map(DEMO_ORDERS.map((o) => [o.id, o]));

/** A refund of units of a demo order's lines (`[position from 1, quantity]`): their line totals' share. */
function refundOfLines(id: string, orderId: string, units: readonly [number, number][], reason: string, requestedAt: string, completedAt: string): DemoRefund {
  const order = DEMO_ORDER_BY_ID.get(orderId);
  if (!order?.provider || !order.paidAt) throw new Error(`demo refund ${id}: no paid demo order ${orderId}`);
  const lines = units.map(([n, quantity]) => ({ n, quantity, line: order.priced[n - 1] }));
  if (lines.some((l) => !l.line || l.quantity > l.line.quantity)) throw new Error(`demo refund ${id}: no such units of ${orderId}`);
  return {
    id,
    orderId,
    amountFen: lines.reduce((s, l) => s + l.line!.unitPriceFen * l.quantity, 0),
    provider: order.provider,
    reason,
    requestedAt,
    completedAt,
    lines: lines.map((l) => ({ lineId: `${orderId}-${l.n}`, quantity: l.quantity, restock: false })),
  };
}

/**
 * The demo's refunds: a collected pickup order of fr-lng-a refunded in full in November (REFUNDED), part of a sale at
 * fr-lng-a's till refunded in December (so November's settlement of fr-lng-a is closed and stays as it was; December
 * carries that refund), and a sale at fr-lng-b's till refunded in full.
 */
export const DEMO_REFUNDS: readonly DemoRefund[] = [
  refundOfLines('rfd-demo-lng-0003', 'ord-demo-lng-0003', [[1, 1]], '质量问题，全额退款', '2024-11-06T02:00:00.000Z', '2024-11-06T02:05:00.000Z'),
  refundOfLines('rfd-demo-lng-0005', 'ord-demo-lng-0005', [[1, 1]], '尺码不合适，退回一件', '2024-12-03T07:00:00.000Z', '2024-12-03T07:00:00.000Z'),
  refundOfLines('rfd-demo-lng-0006', 'ord-demo-lng-0006', [[1, 1]], '顾客退货', '2024-11-10T04:00:00.000Z', '2024-11-10T04:02:00.000Z'),
];
