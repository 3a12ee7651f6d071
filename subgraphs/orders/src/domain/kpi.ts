import { ratio, type Ratio } from './period';

// 门店业绩 (Store.kpi) and 导购业绩 (Guide.performance): which orders count where (the contract's StoreKpi and
// GuidePerformance descriptions). The SQL in repo/kpi.ts selects by these lists; the sums are made here.

/** 店内销售: sold at the store's till. */
export const IN_STORE_CHANNELS: readonly string[] = ['POS'];
/** 小程序成交: the brand's mini-programs and a guide's order over WeCom (代客下单), attributed to the store. */
export const MINI_PROGRAM_CHANNELS: readonly string[] = ['WECHAT_MINIPROGRAM', 'ALIPAY_MINIPROGRAM', 'WECOM'];

/** A store's paid orders of one channel, paid in the period: what they paid, what was refunded of them since (SUCCEEDED). */
export interface ChannelSales {
  channel: string;
  paidFen: number;
  refundedFen: number;
  /** Of them, the orders not refunded in full. */
  orders: number;
}

/** A store's figures over a period, in fen. */
export interface StoreKpiFigures {
  inStoreSalesFen: number;
  miniProgramSalesFen: number;
  /** Paid orders counted in the two figures and not refunded in full. */
  orders: number;
}

/**
 * The store's sales of its orders paid in the period ("paid minus refunded, by paidAt"): an order refunded in full
 * adds nothing and is not counted as an order. Channels outside the two figures (TMALL, JD) are left out.
 */
export function storeSales(byChannel: readonly ChannelSales[]): StoreKpiFigures {
  const out: StoreKpiFigures = { inStoreSalesFen: 0, miniProgramSalesFen: 0, orders: 0 };
  for (const c of byChannel) {
    const net = c.paidFen - c.refundedFen;
    if (IN_STORE_CHANNELS.includes(c.channel)) out.inStoreSalesFen += net;
    else if (MINI_PROGRAM_CHANNELS.includes(c.channel)) out.miniProgramSalesFen += net;
    else continue;
    out.orders += c.orders;
  }
  return out;
}

/** 非营业时间下单占比: the store's orders placed while it was closed, of all its orders placed in the period. */
export function offHoursShare(offHoursOrders: number, orders: number): Ratio {
  return ratio(offHoursOrders, orders);
}
