import { memberErasedOf, type Transaction } from '@retail/platform';
import { forgetBuyerAccounts, rePointMemberOrders } from '../repo/channel-orders';

/** What orders needs of a members.member.merged payload (docs/events.md). */
export interface MemberMergedPayload {
  brandId: string;
  survivorId: string;
  mergedId: string;
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
 * member). Runs in the consumer's transaction; a payload memberErasedOf refuses is thrown
 * (redelivered and reported).
 */
export async function applyMemberErased(tx: Transaction, payload: unknown): Promise<void> {
  await forgetBuyerAccounts(tx, memberErasedOf(payload));
}
