import { newId, SUPPORTED_CURRENCIES, type Transaction } from '@retail/platform';
import { channelTransition, CHANNEL_ORDER_STATUSES, type ChannelOrderStatus } from '../domain/channel-order-status';
import type { PaymentProvider } from '../model';
import { insertChannelOrder, lockChannelOrder, unrefundedLines, updateChannelOrder, type ChannelOrderLine } from '../repo/channel-orders';
import { orderState } from '../repo/orders';
import { insertRefund } from '../repo/refunds';
import { bookSaleSplit } from '../repo/splits';
import { publishOrderCompleted, publishOrderPaid } from './publishes';
import { completeRefund } from './refund-completion';

/** A channels.order.upserted payload (docs/events.md); fields orders does not use are ignored. */
export interface ChannelOrderUpsertedPayload {
  /** The order's id, minted by channels once per trade (the same on every upsert of it); absent in older events. */
  orderId?: string | null;
  connectionId: string;
  channel: 'TMALL' | 'JD';
  brandId: string;
  storeId?: string | null;
  /** Always a string: TOP and JD ids exceed 2^53. */
  externalOrderId: string;
  externalStatus?: string | null;
  status: ChannelOrderStatus;
  /** The buyer's channel account as its keyed ref (the member identity's channel and app, when the buyer is one). */
  buyer?: { channel?: string | null; appId?: string | null; ref?: string | null } | null;
  /** The member, when channels could name it; else the order stays without a member (see docs/events.md). */
  memberId?: string | null;
  lines: { skuId?: string | null; externalSkuId?: string | null; title?: string | null; quantity: number; unitPriceFen: number }[];
  totalFen: number;
  paidFen: number;
  currency: string;
  placedAt: string;
  paidAt?: string | null;
  updatedAt: string;
}

const CHANNELS = new Set(['TMALL', 'JD']);
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** An order id shaped as newId('ord') makes them (channels mints `ord-` + a UUID). */
const ORDER_ID = /^ord-[0-9a-z][0-9a-z-]{0,63}$/;

/** The payload's faults (empty when orders can apply it): a refused payload is redelivered and reported. */
function faults(p: ChannelOrderUpsertedPayload): string[] {
  const out: string[] = [];
  if (p.orderId != null && (typeof p.orderId !== 'string' || !ORDER_ID.test(p.orderId))) out.push('orderId (ord-…)');
  if (!p.connectionId) out.push('connectionId');
  if (!CHANNELS.has(p.channel)) out.push('channel (TMALL, JD)');
  if (!p.brandId) out.push('brandId');
  if (typeof p.externalOrderId !== 'string' || p.externalOrderId === '') out.push('externalOrderId (a string)');
  if (!CHANNEL_ORDER_STATUSES.has(p.status)) out.push('status (PAID, CANCELLED, REFUNDED, COMPLETED)');
  if (!Array.isArray(p.lines) || p.lines.length === 0 || p.lines.some((l) => !Number.isSafeInteger(l.quantity) || l.quantity < 1 || !isFen(l.unitPriceFen))) out.push('lines');
  if (!isFen(p.totalFen) || !isFen(p.paidFen)) out.push('totalFen, paidFen');
  if (!SUPPORTED_CURRENCIES.has(p.currency)) out.push('currency');
  if (!isTime(p.placedAt) || !isTime(p.updatedAt) || (p.paidAt != null && !isTime(p.paidAt))) out.push('placedAt, paidAt, updatedAt');
  return out;
}

const iso = (t: string) => new Date(t).toISOString();

/**
 * channels.order.upserted: a Tmall or JD order, upserted by (channel, externalOrderId). A new order is inserted with
 * its lines and payment, under the event's orderId when it names one (else a new id); a stored one keeps its id and
 * changes only when the event's updatedAt is newer than the last applied, and its status only as the status machine
 * allows (domain/channel-order-status.ts). Becoming paid books the split and
 * publishes orders.order.paid; a paid order closed or refunded on the channel is refunded in full (a SUCCEEDED
 * refund, its split, orders.order.refunded); COMPLETED publishes orders.order.completed. The member is the event's
 * memberId when it names one, else null with the buyer's account ref kept: a consumer cannot ask members (no peer call
 * inside a transaction). Runs in the consumer's transaction with its dedupe row.
 */
export async function applyChannelOrderUpserted(tx: Transaction, p: ChannelOrderUpsertedPayload): Promise<void> {
  const bad = faults(p);
  if (bad.length) throw new Error(`channels.order.upserted payload: missing or invalid ${bad.join(', ')}`);
  const updatedAt = iso(p.updatedAt);
  const paid = p.paidFen > 0 && p.paidAt != null;
  const stored = await lockChannelOrder(tx, p.channel, p.externalOrderId);
  if (stored && Date.parse(stored.channelUpdatedAt) >= Date.parse(updatedAt)) return;
  const move = channelTransition(stored?.status ?? null, p.status, paid);
  let orderId: string;
  if (!stored) {
    if (!move) return;
    // channels' id, so the order is the one channels records its events under (Order.channelOrigin); older events have none.
    orderId = p.orderId ?? newId('ord');
    const lines: ChannelOrderLine[] = p.lines.map((l) => ({
      skuId: l.skuId ?? null,
      title: l.title?.trim() || l.externalSkuId || l.skuId || `${p.channel} item`,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
    }));
    await insertChannelOrder(tx, {
      id: orderId,
      brandId: p.brandId,
      channel: p.channel,
      externalOrderId: p.externalOrderId,
      memberId: p.memberId ?? null,
      storeId: p.storeId ?? null,
      // Paid first: a refund in full below moves it on, as it would have happened on the channel.
      status: move.refundsRest ? 'PAID' : move.status,
      totalFen: p.totalFen,
      paidFen: paid ? p.paidFen : 0,
      currency: p.currency,
      placedAt: iso(p.placedAt),
      paidAt: paid ? iso(p.paidAt!) : null,
      completedAt: move.status === 'COMPLETED' ? updatedAt : null,
      cancelledAt: move.status === 'CANCELLED' && !move.refundsRest ? updatedAt : null,
      lines,
      connectionId: p.connectionId,
      externalStatus: p.externalStatus ?? null,
      // Only the account's ref is kept: an older event's open id (buyer.externalId) is not.
      buyer: p.buyer?.ref ? { channel: p.buyer.channel ?? null, appId: p.buyer.appId ?? null, ref: p.buyer.ref } : null,
      updatedAt,
    });
  } else {
    orderId = stored.id;
    await updateChannelOrder(tx, { orderId, status: move && !move.refundsRest ? move.status : null, completedAt: updatedAt, externalStatus: p.externalStatus ?? null, updatedAt });
  }
  if (!move) return;
  if (move.becomesPaid) {
    await bookSaleSplit(tx, orderId);
    const state = await orderState(tx, { kind: 'platform' }, orderId);
    if (state) await publishOrderPaid(tx, state);
  }
  if (move.refundsRest) await refundRest(tx, orderId, p.channel, updatedAt);
  if (move.refundsRest || move.status === 'CANCELLED') await updateChannelOrder(tx, { orderId, status: move.status, completedAt: null, externalStatus: p.externalStatus ?? null, updatedAt });
  if (move.status === 'COMPLETED') {
    const state = await orderState(tx, { kind: 'platform' }, orderId);
    if (state) await publishOrderCompleted(tx, state, updatedAt);
  }
}

/** The channel refunded what was still paid: a SUCCEEDED refund of it, taking back every unit not refunded yet. */
async function refundRest(tx: Transaction, orderId: string, channel: PaymentProvider, at: string): Promise<void> {
  const [order] = await tx.query<{ left: number; currency: string }>(
    `SELECT o.paid_fen - o.refunded_fen - (SELECT COALESCE(sum(r.amount_fen), 0) FROM orders.refund r WHERE r.order_id = o.id AND r.status = 'PENDING') AS left, o.currency
       FROM orders."order" o WHERE o.id = $1`,
    [orderId],
  );
  if (!order || order.left <= 0) return;
  const lines = (await unrefundedLines(tx, orderId)).map((l) => ({ ...l, restock: false }));
  const id = newId('rfd');
  await insertRefund(tx, { id, orderId, amountFen: order.left, currency: order.currency, reason: `refunded on ${channel}`, provider: channel, providerRefundNo: null, idempotencyKey: null, requestedAt: at }, lines);
  await completeRefund(tx, id, at, null);
}
