// The orders subgraph's events members keeps its purchases read model from (docs/events.md, "orders"): the fields
// members needs, checked. A payload that lacks one, or holds a value of the wrong kind, is refused with an Error:
// the consumer's transaction rolls back and the event is redelivered and reported (docs/architecture.md §6).

export const ORDER_PAID_TOPIC = 'orders.order.paid';
export const ORDER_REFUNDED_TOPIC = 'orders.order.refunded';

export const SALES_CHANNELS = ['WECHAT_MINIPROGRAM', 'ALIPAY_MINIPROGRAM', 'POS', 'WECOM', 'TMALL', 'JD'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

/** A paid order as the purchases read model keeps it. */
export interface OrderPaid {
  orderId: string;
  brandId: string;
  storeId: string | null;
  memberId: string | null;
  guideId: string | null;
  channel: SalesChannel;
  inStore: boolean;
  paidFen: number;
  currency: string;
  paidAt: Date;
}

/** All refunds of an order so far. */
export interface OrderRefunded {
  orderId: string;
  brandId: string;
  /** The sum of the order's refunds so far (not this refund's amount): applying it twice or late changes nothing. */
  refundedFen: number;
  refundedAt: Date;
}

type Payload = Record<string, unknown>;

/** Reads the payload's fields, collecting every fault, and throws them together. */
class PayloadReader {
  private readonly faults: string[] = [];

  constructor(
    private readonly topic: string,
    private readonly payload: Payload,
  ) {}

  text(name: string): string {
    const v = this.payload[name];
    if (typeof v === 'string' && v.length > 0) return v;
    this.faults.push(`${name} must be a non-empty string`);
    return '';
  }

  /** A field that must be present and may be null (e.g. memberId of a guest's order). */
  nullableText(name: string): string | null {
    const v = this.payload[name];
    if (v === null) return null;
    if (typeof v === 'string' && v.length > 0) return v;
    this.faults.push(`${name} must be a non-empty string or null`);
    return null;
  }

  boolean(name: string): boolean {
    const v = this.payload[name];
    if (typeof v === 'boolean') return v;
    this.faults.push(`${name} must be a boolean`);
    return false;
  }

  fen(name: string): number {
    const v = this.payload[name];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    this.faults.push(`${name} must be a non-negative integer (fen)`);
    return 0;
  }

  time(name: string): Date {
    const v = this.payload[name];
    const t = typeof v === 'string' ? new Date(v) : null;
    if (t && !Number.isNaN(t.getTime())) return t;
    this.faults.push(`${name} must be an ISO 8601 time`);
    return new Date(0);
  }

  channel(name: string): SalesChannel {
    const v = this.payload[name];
    const known = SALES_CHANNELS.find((c) => c === v);
    if (known) return known;
    this.faults.push(`${name} must be one of ${SALES_CHANNELS.join(', ')}`);
    return 'POS';
  }

  done<T>(value: T): T {
    if (this.faults.length) throw new Error(`${this.topic} payload refused: ${this.faults.join('; ')}`);
    return value;
  }
}

function reader(topic: string, payload: unknown): PayloadReader {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error(`${topic} payload refused: not an object`);
  return new PayloadReader(topic, payload as Payload);
}

/** The fields of an `orders.order.paid` payload members keeps; throws when one is missing or malformed. */
export function orderPaid(payload: unknown): OrderPaid {
  const r = reader(ORDER_PAID_TOPIC, payload);
  return r.done({
    orderId: r.text('orderId'),
    brandId: r.text('brandId'),
    storeId: r.nullableText('storeId'),
    memberId: r.nullableText('memberId'),
    guideId: r.nullableText('guideId'),
    channel: r.channel('channel'),
    inStore: r.boolean('inStore'),
    paidFen: r.fen('paidFen'),
    currency: r.text('currency'),
    paidAt: r.time('paidAt'),
  });
}

/** The fields of an `orders.order.refunded` payload members keeps; throws when one is missing or malformed. */
export function orderRefunded(payload: unknown): OrderRefunded {
  const r = reader(ORDER_REFUNDED_TOPIC, payload);
  return r.done({
    orderId: r.text('orderId'),
    brandId: r.text('brandId'),
    refundedFen: r.fen('refundedFen'),
    refundedAt: r.time('refundedAt'),
  });
}
