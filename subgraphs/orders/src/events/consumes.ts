import { STORE_CHANGED_TOPIC, type ConsumedTopic, type StoreChangedPayload, type Transaction } from '@retail/platform';
import type { OpeningHours } from '../model';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { upsertStoreProfile } from '../repo/store-profiles';
import { applyChannelOrderUpserted, type ChannelOrderUpsertedPayload } from './channel-order-upserted';
import { applyMemberErased, applyMemberMerged, type MemberMergedPayload } from './member-changes';
import { applyPaymentSucceeded, type PaymentSucceededPayload } from './payment-succeeded';
import { applyRefundFailed, type RefundFailedPayload } from './refund-failed';
import { applyRefundSucceeded, type RefundSucceededPayload } from './refund-succeeded';

/** The stores subgraph's time zone for every store until a store carries its own (docs/events.md). */
export const DEFAULT_STORE_TIMEZONE = 'Asia/Shanghai';

/**
 * stores.store.changed: the store's brand and operator (the fences) and what pickup needs (pickupEnabled, status,
 * time zone, opening hours). Runs inside the consumer's transaction with its dedupe row (docs/architecture.md §6).
 */
export async function applyStoreChanged(tx: Transaction, payload: StoreChangedPayload): Promise<void> {
  await STORE_DIRECTORY.applyStoreChanged(tx, payload);
  const status = payload.status === 'CLOSED' ? 'CLOSED' : 'OPEN';
  const timezone = typeof payload.timezone === 'string' && payload.timezone ? payload.timezone : DEFAULT_STORE_TIMEZONE;
  const openingHours = Array.isArray(payload.openingHours) ? (payload.openingHours as OpeningHours[]) : [];
  const updatedAt = typeof payload.updatedAt === 'string' && !Number.isNaN(Date.parse(payload.updatedAt)) ? payload.updatedAt : null;
  await upsertStoreProfile(tx, { storeId: payload.id, pickupEnabled: payload.pickupEnabled === true, status, timezone, openingHours }, updatedAt);
}

/** The topics orders applies (docs/events.md). */
export const CONSUMES: ConsumedTopic[] = [
  { topic: STORE_CHANGED_TOPIC, apply: (tx, e) => applyStoreChanged(tx, e.payload as StoreChangedPayload) },
  GUIDE_DIRECTORY.consumer,
  { topic: 'channels.payment.succeeded', apply: (tx, e) => applyPaymentSucceeded(tx, e.payload as PaymentSucceededPayload) },
  { topic: 'channels.refund.succeeded', apply: (tx, e) => applyRefundSucceeded(tx, e.payload as RefundSucceededPayload) },
  { topic: 'channels.refund.failed', apply: (tx, e) => applyRefundFailed(tx, e.payload as RefundFailedPayload) },
  { topic: 'channels.order.upserted', apply: (tx, e) => applyChannelOrderUpserted(tx, e.payload as ChannelOrderUpsertedPayload) },
  { topic: 'members.member.merged', apply: (tx, e) => applyMemberMerged(tx, e.payload as MemberMergedPayload) },
  { topic: 'members.member.erased', apply: (tx, e) => applyMemberErased(tx, e.payload) },
];
