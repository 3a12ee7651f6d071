import type { Transaction } from '@retail/platform';
import { forgetBuyerAccounts, rePointMemberOrders } from '../repo/channel-orders';

/** What orders needs of a members.member.merged payload (docs/events.md). */
export interface MemberMergedPayload {
  brandId: string;
  survivorId: string;
  mergedId: string;
}

/** What orders needs of a members.member.erased payload (docs/events.md). */
export interface MemberErasedPayload {
  brandId: string;
  memberId: string;
  erasedAt: string;
  /** The keyed refs of the accounts the member held; absent in events published before them. */
  accountRefs?: string[];
}

/**
 * members.member.merged: the merged member's orders of the brand belong to the survivor from now on (Member.orders,
 * lifetimeSpend, KPIs follow). A redelivery finds nothing left to move. Runs in the consumer's transaction.
 */
export async function applyMemberMerged(tx: Transaction, p: MemberMergedPayload): Promise<void> {
  if (!p.brandId || !p.survivorId || !p.mergedId || p.survivorId === p.mergedId) {
    throw new Error('members.member.merged payload needs brandId, survivorId and mergedId (different)');
  }
  await rePointMemberOrders(tx, p.brandId, p.mergedId, p.survivorId);
}

/**
 * members.member.erased (PIPL): orders keeps the orders, their amounts and the settlement; the only personal data it
 * copied, the buyer's channel account on Tmall and JD orders, is dropped: on the member's orders and on every order
 * whose buyer is one of the accounts in `accountRefs`. The member id stays (it names nobody once members erased the
 * member). Runs in the consumer's transaction; a payload without brandId, memberId and erasedAt, or whose
 * accountRefs is not a list of refs, is refused (redelivered and reported).
 */
export async function applyMemberErased(tx: Transaction, p: MemberErasedPayload): Promise<void> {
  if (!p.brandId || !p.memberId || typeof p.erasedAt !== 'string' || Number.isNaN(Date.parse(p.erasedAt))) {
    throw new Error('members.member.erased payload needs brandId, memberId and erasedAt');
  }
  const refs: unknown = p.accountRefs ?? [];
  if (!Array.isArray(refs) || !refs.every((r): r is string => typeof r === 'string' && r.length > 0)) throw new Error('members.member.erased payload: accountRefs must be a list of refs');
  await forgetBuyerAccounts(tx, { brandId: p.brandId, memberId: p.memberId, accountRefs: refs, erasedAt: new Date(p.erasedAt).toISOString() });
}
