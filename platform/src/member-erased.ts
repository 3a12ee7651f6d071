import { isoOrNull, textOrNull } from './payload-fields';

/** members.member.erased (docs/events.md), as every subgraph that copied a member's personal data reads it. */
export interface MemberErased {
  brandId: string;
  memberId: string;
  /** ISO 8601. */
  erasedAt: string;
  /** The keyed refs of the channel accounts the member held (account-ref.ts); empty in events published before them. */
  accountRefs: string[];
}

/**
 * The payload checked: without brandId, memberId and erasedAt, or with accountRefs that is not a list of refs, it
 * throws (the consumer's event is redelivered and reported, never applied half).
 */
export function memberErasedOf(payload: unknown): MemberErased {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const brandId = textOrNull(p.brandId);
  const memberId = textOrNull(p.memberId);
  const erasedAt = isoOrNull(p.erasedAt);
  if (!brandId || !memberId || !erasedAt) throw new Error('members.member.erased payload needs brandId, memberId and erasedAt');
  const refs: unknown = p.accountRefs ?? [];
  if (!Array.isArray(refs) || !refs.every((r): r is string => typeof r === 'string' && r.length > 0)) throw new Error('members.member.erased payload: accountRefs must be a list of refs');
  return { brandId, memberId, erasedAt: new Date(erasedAt).toISOString(), accountRefs: refs };
}
