// The records channels' repositories return and its commands pass around (docs/adding-a-subgraph.md, "model.ts").

export type ChannelKind = 'TMALL' | 'JD' | 'ALIPAY' | 'WECHAT_PAY' | 'WECHAT_MINIPROGRAM' | 'WECOM';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['TMALL', 'JD', 'ALIPAY', 'WECHAT_PAY', 'WECHAT_MINIPROGRAM', 'WECOM'];

export type ChannelConnectionStatus = 'ACTIVE' | 'DISABLED';

/** A channel connection without its secrets (those are only in ChannelSecrets, decrypted on use). */
export interface ConnectionRecord {
  id: string;
  channel: ChannelKind;
  brandId: string;
  storeId: string | null;
  appId: string;
  merchantId: string | null;
  apiBaseUrl: string;
  status: ChannelConnectionStatus;
  disabledReason: string | null;
  /** Names of the secrets set (keys of ChannelSecrets), never their values. */
  configuredSecrets: string[];
  secretsUpdatedAt: Date | null;
  /** Until when a replaced credential version still verifies callbacks (the latest such time), else null. */
  previousSecretsAcceptedUntil: Date | null;
  lastSyncAt: Date | null;
  lastError: string | null;
  createdAt: Date;
}

/** A WeChat Pay platform public key and the serial that names it (Wechatpay-Serial). */
export interface PlatformKey {
  serial: string;
  publicKey: string;
}

/** A connection's credentials (ChannelSecretsInput): what is encrypted at rest, never returned by the graph. */
export interface ChannelSecrets {
  appSecret?: string;
  accessToken?: string;
  appPrivateKey?: string;
  alipayPublicKey?: string;
  merchantPrivateKey?: string;
  merchantCertSerial?: string;
  apiV3Key?: string;
  platformKeys?: PlatformKey[];
}

export const SECRET_NAMES = ['appSecret', 'accessToken', 'appPrivateKey', 'alipayPublicKey', 'merchantPrivateKey', 'merchantCertSerial', 'apiV3Key', 'platformKeys'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * A connection with its decrypted credentials: `current` signs and verifies; `previous` are versions replaced by a
 * rotation whose overlap has not ended, newest first: they still verify callbacks (never sign).
 */
export interface ConnectionWithSecrets {
  connection: ConnectionRecord;
  current: ChannelSecrets;
  previous: ChannelSecrets[];
}

export type ChannelEventStatus = 'ACCEPTED' | 'DUPLICATE' | 'REJECTED' | 'FAILED';

/** One inbound event as stored. */
export interface ChannelEventRecord {
  id: string;
  connectionId: string;
  brandId: string;
  channel: ChannelKind;
  eventType: string;
  externalId: string;
  status: ChannelEventStatus;
  error: string | null;
  orderId: string | null;
  receivedAt: Date;
}

/** Order.channelOrigin: the connection and the provider's status of an order's latest ACCEPTED inbound event. */
export interface OrderOriginRecord {
  orderId: string;
  connection: ConnectionRecord;
  /** The event's type: the TOP or JD trade status of a pulled record, Alipay's trade_status, WeChat Pay's event_type. */
  rawStatus: string;
  /** When that event arrived (the first time). */
  lastEventAt: Date;
}

/** A payment a provider's notification reports, verified (the facts of a payment event). */
export interface PaymentFacts {
  provider: 'ALIPAY' | 'WECHAT_PAY';
  /** The out_trade_no we sent: the order's id. */
  orderId: string;
  providerTradeNo: string;
  amountFen: number;
  currency: string;
  paidAt: string;
}

/** A provider's verified notification about a refund we sent (WeChat Pay REFUND.SUCCESS, .ABNORMAL, .CLOSED). */
export interface RefundNotice {
  provider: 'WECHAT_PAY';
  /** The out_refund_no we sent: orders' refund id. */
  refundId: string;
  /** The out_trade_no: the order's id. */
  orderId: string;
  providerRefundNo: string;
  /** SUCCESS; CLOSED and ABNORMAL are refusals for good. */
  status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL';
  amountFen: number;
  /** success_time for SUCCESS, else null. */
  refundedAt: string | null;
}

/** What an inbound event means once verified: a payment, a refund's outcome, or nothing to do (e.g. Alipay's TRADE_CLOSED). */
export type InboundFacts = { kind: 'PAYMENT'; payment: PaymentFacts } | { kind: 'REFUND'; refund: RefundNotice } | { kind: 'NONE'; orderId: string | null };

/** The part of an order a payment notification is checked against (orders' internal orderForPayment). */
export interface OrderForPayment {
  id: string;
  brandId: string;
  status: string;
  totalFen: number;
  paidFen: number;
  currency: string;
}
