import type { ConsumedTopic, Transaction } from '@retail/platform';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { recordPointsEarned, reevaluateTiers } from '../repo/tiers';
import { ORDER_PAID_TOPIC, ORDER_REFUNDED_TOPIC, orderPaid, orderRefunded } from '../domain/order-events';
import { insertPurchase, recordRefund } from '../repo/purchases';

/**
 * orders.order.paid into the purchases read model (docs/events.md): one row per order, a repeated paid event has no
 * second effect, a refund that came first is applied, a merged member's order goes to its survivor, whose tier is
 * then re-evaluated (tier by spend). A payload that lacks a needed field throws (redelivered and reported).
 */
export async function applyOrderPaid(tx: Transaction, payload: unknown): Promise<void> {
  const memberId = await insertPurchase(tx, orderPaid(payload));
  if (memberId !== null) await reevaluateTiers(tx, [memberId], new Date(), 'EVALUATED');
}

/**
 * orders.order.refunded into the purchases read model: the order's refundedFen so far, which only grows, so a late,
 * repeated or early (before its paid event) refund is safe. A payload that lacks a needed field throws.
 */
export async function applyOrderRefunded(tx: Transaction, payload: unknown): Promise<void> {
  const memberId = await recordRefund(tx, orderRefunded(payload));
  if (memberId !== null) await reevaluateTiers(tx, [memberId], new Date(), 'EVALUATED');
}

/** The topic of the points subgraph's ledger entries members sums for tiers by points earned (docs/events.md). */
export const POINTS_EARN_BOOKED_TOPIC = 'points.earn.booked';

/**
 * points.earn.booked into the points read model, then the member's tier re-evaluated (repo/tiers.ts), in the
 * consumer's transaction: an entry is recorded once (ON CONFLICT (entry_id) DO NOTHING), so a repeated entry has no
 * second effect. A payload that lacks a needed field throws (redelivered and reported).
 */
export async function applyPointsEarnBooked(tx: Transaction, payload: unknown): Promise<void> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!text(p.entryId) || !text(p.brandId) || !text(p.memberId) || !Number.isSafeInteger(p.points) || !text(p.bookedAt) || Number.isNaN(Date.parse(p.bookedAt as string))) {
    throw new Error(`${POINTS_EARN_BOOKED_TOPIC} payload needs entryId, brandId, memberId, points (an integer) and bookedAt`);
  }
  const memberId = await recordPointsEarned(tx, { entryId: p.entryId as string, brandId: p.brandId as string, memberId: p.memberId as string, points: p.points as number, bookedAt: new Date(p.bookedAt as string) });
  if (memberId !== null) await reevaluateTiers(tx, [memberId], new Date(), 'EVALUATED');
}

/** The topics members applies: the stores subgraph's stores (home-store fence) and guides (join guide, customers). */
export const CONSUMES: ConsumedTopic[] = [
  STORE_DIRECTORY.consumer,
  // A guide turning LEFT unbinds nobody: its customers await 离职继承 (inheritGuideCustomers).
  GUIDE_DIRECTORY.consumer,
  { topic: ORDER_PAID_TOPIC, apply: (tx, e) => applyOrderPaid(tx, e.payload) },
  { topic: ORDER_REFUNDED_TOPIC, apply: (tx, e) => applyOrderRefunded(tx, e.payload) },
  { topic: POINTS_EARN_BOOKED_TOPIC, apply: (tx, e) => applyPointsEarnBooked(tx, e.payload) },
];
