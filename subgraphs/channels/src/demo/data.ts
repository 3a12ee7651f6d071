// channels' demo rows. A live connection holds a brand's real provider credentials (keys issued by Alipay, WeChat Pay,
// Tmall, JD), which demo data cannot have: the demo's connections are DISABLED shops without credentials (nothing is
// pulled from or sent to them; connect a real shop with createChannelConnection). They exist so the orders demo's
// Tmall and JD orders have their channel origin (Order.channelOrigin): the last record pulled of each trade.

import type { SeededPulledRecord } from '../repo/events';

/** A demo connection: a Tmall or JD shop of a demo brand, DISABLED, without credentials. */
export interface DemoConnection {
  id: string;
  channel: 'TMALL' | 'JD';
  brandId: string;
  appId: string;
  merchantId: string;
  apiBaseUrl: string;
  disabledReason: string;
}

const NOT_CONNECTED = 'demo shop without credentials: connect the real shop with createChannelConnection';

export const DEMO_CONNECTIONS: readonly DemoConnection[] = [
  { id: 'chc-demo-lng-tmall', channel: 'TMALL', brandId: 'brand-lng', appId: 'demo-top-app', merchantId: 'lng-tmall-flagship', apiBaseUrl: 'https://eco.taobao.com/router/rest', disabledReason: NOT_CONNECTED },
  { id: 'chc-demo-lng-jd', channel: 'JD', brandId: 'brand-lng', appId: 'demo-jd-app', merchantId: 'lng-jd-flagship', apiBaseUrl: 'https://api.jd.com/routerjson', disabledReason: NOT_CONNECTED },
];

/**
 * A pulled record of a demo trade, ACCEPTED: the trade's latest status as the provider names it; its orderId and
 * externalOrderId are the orders demo's (DEMO_ORDERS), `modified` the trade's time on the provider (GMT+8).
 */
export type DemoPulledRecord = SeededPulledRecord;

export const DEMO_PULLED_RECORDS: readonly DemoPulledRecord[] = [
  // ord-demo-lng-0007: a Double 11 Tmall order, delivered and confirmed by the buyer (COMPLETED).
  { id: 'chev-demo-lng-0007', connectionId: 'chc-demo-lng-tmall', orderId: 'ord-demo-lng-0007', externalOrderId: '3912045566012876543', externalStatus: 'TRADE_FINISHED', modified: '2024-11-15T10:00:00+08:00', receivedAt: '2024-11-15T02:05:00.000Z' },
  // ord-demo-lng-0008: a JD order paid and waiting to be shipped (PAID).
  { id: 'chev-demo-lng-0008', connectionId: 'chc-demo-lng-jd', orderId: 'ord-demo-lng-0008', externalOrderId: '298811223344', externalStatus: 'WAIT_SELLER_STOCK_OUT', modified: '2024-11-11T09:32:00+08:00', receivedAt: '2024-11-11T01:35:00.000Z' },
];
