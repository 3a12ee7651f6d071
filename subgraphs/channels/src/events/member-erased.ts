import type { Transaction } from '@retail/platform';
import { eraseMemberAccounts } from '../repo/erasure';

/**
 * members.member.erased (PIPL, docs/events.md): the member's channel accounts channels copied (coupons' openid or
 * Alipay user id, WeCom contacts' external_userid) are dropped, its coupons, transfers and their amounts and statuses
 * kept; so is the buyer of every pulled order record and published channels.order.upserted whose buyer is one of
 * the accounts named by `accountRefs` (keyed refs; an event published before they existed has none). A payload
 * without memberId, brandId and erasedAt, or whose accountRefs is not a list of refs, is refused (thrown: redelivered
 * and reported).
 */
export async function applyMemberErased(tx: Transaction, payload: unknown): Promise<void> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const memberId = typeof p.memberId === 'string' && p.memberId ? p.memberId : null;
  const brandId = typeof p.brandId === 'string' && p.brandId ? p.brandId : null;
  const erasedAt = typeof p.erasedAt === 'string' && !Number.isNaN(Date.parse(p.erasedAt)) ? p.erasedAt : null;
  if (!memberId || !brandId || !erasedAt) throw new Error('members.member.erased payload needs memberId, brandId and erasedAt');
  const refs = p.accountRefs ?? [];
  if (!Array.isArray(refs) || !refs.every((r): r is string => typeof r === 'string' && r.length > 0)) throw new Error('members.member.erased payload: accountRefs must be a list of refs');
  await eraseMemberAccounts(tx, { memberId, brandId, erasedAt, accountRefs: refs });
}
