import { memberErasedOf, type Transaction } from '@retail/platform';
import { eraseMemberAccounts } from '../repo/erasure';

/**
 * members.member.erased (PIPL, docs/events.md): the member's channel accounts channels copied (coupons' openid or
 * Alipay user id, WeCom contacts' external_userid) are dropped, its coupons, transfers and their amounts and statuses
 * kept; so is the buyer of every pulled order record and published channels.order.upserted whose buyer is one of
 * the accounts named by `accountRefs` (keyed refs; an event published before they existed has none). A payload
 * memberErasedOf refuses is thrown (redelivered and reported).
 */
export async function applyMemberErased(tx: Transaction, payload: unknown): Promise<void> {
  await eraseMemberAccounts(tx, memberErasedOf(payload));
}
