import { amountToFen } from '@retail/platform';
import { gmt8ToIso } from '../domain/gmt8-time';
import { member, text, type LosslessJson } from '../domain/lossless-json';

/** The statuses channels.order.upserted carries (docs/events.md). */
export type PulledOrderStatus = 'PAID' | 'CANCELLED' | 'REFUNDED' | 'COMPLETED';

/** One Tmall or JD order as a pull read it, before it becomes channels.order.upserted (docs/events.md). */
export interface PulledOrder {
  /** Always a string: TOP tids and JD order ids exceed 2^53. */
  externalOrderId: string;
  externalStatus: string;
  /** Null when the provider's status is not an order the platform records yet (unpaid). */
  status: PulledOrderStatus | null;
  /** The buyer's open id on the channel, when the provider names one. */
  buyerExternalId: string | null;
  lines: { externalSkuId: string; title: string | null; quantity: number; unitPriceFen: number }[];
  totalFen: number;
  paidFen: number;
  /** ISO 8601 with the provider's +08:00 offset. */
  placedAt: string;
  paidAt: string | null;
  updatedAt: string;
}

/** A page of a provider's order search. */
export interface PulledPage {
  orders: PulledOrder[];
  /** Records the provider returned that could not be read, with why (stored as REJECTED events). */
  unreadable: { externalId: string; reason: string; raw: unknown }[];
  /** Matching records in the whole window, when the provider says (drives paging from the last page back). */
  total: number;
}

/** A provider's decimal string of yuan ("258.00", "0.5") as integer fen, without floating point; null when it is none. */
export function yuanToFen(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v * 100;
  if (typeof v !== 'string') return null;
  const fen = amountToFen(v.trim());
  return fen === null || fen < 0 ? null : fen;
}

/** The fields of a provider's order record, as text, that a PulledOrder is made of. */
export interface RawOrderRecord {
  id: string | undefined;
  status: string | undefined;
  created: string | undefined;
  /** Empty, absent or JD's 0001-01-01: not paid. */
  payTime: string | undefined;
  modified: string | undefined;
  payment: unknown;
  buyer: string | undefined;
  lines: { sku: string | undefined; title: string | undefined; quantity: number; price: unknown; ref: string }[];
}

/**
 * A provider's record as a PulledOrder, or why it cannot be read: an integer id, GMT+8 times, amounts in yuan, at least
 * one complete line; `statusOf` maps the provider's status (undefined: a status this code does not know).
 */
export function readOrderRecord(r: RawOrderRecord, statusOf: (status: string, paid: boolean) => PulledOrderStatus | null | undefined): PulledOrder | string {
  if (!r.id || !/^\d+$/.test(r.id)) return 'order id missing or not an integer';
  if (!r.status) return 'status missing';
  const placedAt = gmt8ToIso(r.created ?? '');
  const updatedAt = gmt8ToIso(r.modified ?? '');
  const unpaid = !r.payTime || r.payTime.startsWith('0001');
  const paidAt = unpaid ? null : gmt8ToIso(r.payTime!);
  if (!placedAt || !updatedAt || (!unpaid && !paidAt)) return 'the created, paid or modified time is not a GMT+8 time';
  const payment = yuanToFen(r.payment);
  if (payment === null) return 'the payment is not an amount';
  const status = statusOf(r.status, paidAt !== null);
  if (status === undefined) return `unknown status ${r.status}`;
  const lines: PulledOrder['lines'] = [];
  for (const l of r.lines) {
    const price = yuanToFen(l.price);
    if (!l.sku || !Number.isSafeInteger(l.quantity) || l.quantity < 1 || price === null) return `line ${l.ref} is incomplete`;
    lines.push({ externalSkuId: l.sku, title: l.title ?? null, quantity: l.quantity, unitPriceFen: price });
  }
  if (lines.length === 0) return 'no order lines';
  return { externalOrderId: r.id, externalStatus: r.status, status, buyerExternalId: r.buyer || null, lines, totalFen: payment, paidFen: paidAt ? payment : 0, placedAt, paidAt, updatedAt };
}

/** Where a provider's record keeps what names it when it cannot be read: its id, status and modification time. */
export interface RecordFieldNames {
  id: string;
  status: string;
  modified: string;
}

/**
 * A page of a provider's answer: its records read by `read`, those that cannot be read kept under
 * `<id>:<status>:<modified>` as the provider spells them; `total` a number or a string of digits (0 otherwise).
 */
export function readPulledPage(records: readonly LosslessJson[], total: LosslessJson | undefined, read: (record: LosslessJson) => PulledOrder | string, names: RecordFieldNames): PulledPage {
  const count = typeof total === 'number' ? total : Number(text(total) ?? 0);
  const page: PulledPage = { orders: [], unreadable: [], total: Number.isSafeInteger(count) ? count : 0 };
  for (const record of records) {
    const order = read(record);
    if (typeof order !== 'string') page.orders.push(order);
    else page.unreadable.push({ externalId: `${text(member(record, names.id)) ?? 'unknown'}:${text(member(record, names.status)) ?? ''}:${text(member(record, names.modified)) ?? ''}`, reason: order, raw: record });
  }
  return page;
}
