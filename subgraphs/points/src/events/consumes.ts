import type { ConsumedTopic, Transaction } from '@retail/platform';
import { pointsForPayment } from '../domain/earning';
import { ensureAccount, setHomeStore } from '../repo/accounts';
import { earnForOrder, takeBackForRefund } from '../repo/earning';
import { ruleAt } from '../repo/earning-rules';
import { foldAccount, lockAccount, lockAccounts } from '../repo/ledger';
import { claimRefund, lockOrder, recordRefund } from '../repo/order-points';
import { STORE_DIRECTORY } from '../repo/store-directory';

// Each applier runs inside the consumer's transaction with the event's dedupe row (docs/architecture.md §6) and is
// idempotent on its own as well (per order, per refund, per merge), so the same fact published twice under two
// event ids has one effect. A payload without a field the applier needs is refused (thrown, so it is redelivered).

/** The part of an orders.order.paid payload points needs (docs/events.md). */
export interface OrderPaidPayload {
  orderId: string;
  brandId: string;
  storeId: string | null;
  memberId: string | null;
  paidFen: number;
  currency: string;
  paidAt: string;
  /** Optional: the member's tier code at order time (its multiplier in the brand's rule; 1× without it). */
  tierCode?: string | null;
  /** Optional: the member's home store at order time, which fences the account for franchisees and store staff. */
  memberHomeStoreId?: string | null;
  [other: string]: unknown;
}

const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * orders.order.paid: a member's order earns by its brand's rule on paidFen (× the tier's multiplier), pending for
 * the rule's holding period from paidAt and lapsing by its expiry rule; once per order. A guest order, or one of a
 * brand without a rule, earns nothing. The event's memberHomeStoreId (when present) becomes the account's home store.
 */
export async function applyOrderPaid(tx: Transaction, p: OrderPaidPayload): Promise<void> {
  if (!p.orderId || !p.brandId || !isFen(p.paidFen) || !isDate(p.paidAt)) throw new Error('orders.order.paid payload needs orderId, brandId, paidFen and paidAt');
  if (!p.memberId) return;
  const paidAt = new Date(p.paidAt);
  const rule = await ruleAt(tx, p.brandId, paidAt);
  if (!rule) return;
  await lockOrder(tx, p.orderId);
  const account = await lockAccount(tx, await ensureAccount(tx, p.memberId, p.brandId));
  if ('memberHomeStoreId' in p) await setHomeStore(tx, account.id, p.memberHomeStoreId ?? null, paidAt);
  await earnForOrder(tx, account, {
    orderId: p.orderId,
    paidFen: p.paidFen,
    // An order paid so long ago that its points would have lapsed already earns nothing.
    points: rule.lapsed ? 0 : pointsForPayment(rule, p.paidFen, p.tierCode ?? null),
    reason: `order ${p.orderId} paid`,
    earnedAt: paidAt,
    availableAt: rule.availableAt,
    expiresAt: rule.expiresAt,
  });
}

/** The part of an orders.order.refunded payload points needs. */
export interface OrderRefundedPayload {
  orderId: string;
  refundId: string;
  paidFen: number;
  refundedFen: number;
  fullyRefunded: boolean;
  [other: string]: unknown;
}

/**
 * orders.order.refunded: takes back the refunded share of the order's points, once per refund (repo/earning.ts); a
 * refund that arrives before the order's payment is kept for the earn to apply.
 */
export async function applyOrderRefunded(tx: Transaction, p: OrderRefundedPayload): Promise<void> {
  if (!p.orderId || !p.refundId || !isFen(p.paidFen) || !isFen(p.refundedFen) || typeof p.fullyRefunded !== 'boolean') {
    throw new Error('orders.order.refunded payload needs orderId, refundId, paidFen, refundedFen and fullyRefunded');
  }
  await lockOrder(tx, p.orderId);
  if (!(await claimRefund(tx, p))) return;
  const { taken, shortfall } = await takeBackForRefund(tx, p);
  await recordRefund(tx, p.refundId, taken, shortfall);
}

/** The part of a members.member.merged payload points needs. */
export interface MemberMergedPayload {
  brandId: string;
  survivorId: string;
  mergedId: string;
  mergeId?: string;
  [other: string]: unknown;
}

/**
 * members.member.merged: the merged member's account (lots with their expiry and holding period, history, orders)
 * is folded into the survivor's, which is made when missing: one open account per member and brand afterwards. The
 * merged member gets a closed account when it had none, so its late events credit the survivor. Once per merge.
 */
export async function applyMemberMerged(tx: Transaction, p: MemberMergedPayload): Promise<void> {
  if (!p.brandId || !p.survivorId || !p.mergedId || p.survivorId === p.mergedId) throw new Error('members.member.merged payload needs brandId and two different members');
  const survivorId = await ensureAccount(tx, p.survivorId, p.brandId);
  const mergedId = await ensureAccount(tx, p.mergedId, p.brandId);
  // Already folded (the account resolves to the survivor's): nothing more to do.
  if (mergedId === survivorId) return;
  const locked = await lockAccounts(tx, [survivorId, mergedId]);
  const survivor = locked.find((a) => a.id === survivorId)!;
  const merged = locked.find((a) => a.id === mergedId)!;
  await foldAccount(tx, merged, survivor, `member ${p.mergedId} merged into ${p.survivorId}${p.mergeId ? ` (${p.mergeId})` : ''}`);
}

// members.member.erased is not consumed: points copies no personal data of a member (only its id, brand and home
// store id), and an erasure keeps amounts and ledgers intact (docs/events.md).

/** The topics points applies. */
export const CONSUMES: ConsumedTopic[] = [
  STORE_DIRECTORY.consumer,
  { topic: 'orders.order.paid', apply: (tx, e) => applyOrderPaid(tx, e.payload as OrderPaidPayload) },
  { topic: 'orders.order.refunded', apply: (tx, e) => applyOrderRefunded(tx, e.payload as OrderRefundedPayload) },
  { topic: 'members.member.merged', apply: (tx, e) => applyMemberMerged(tx, e.payload as MemberMergedPayload) },
];
