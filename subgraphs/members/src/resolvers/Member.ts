import { formatMoney } from '@retail/platform';
import type { MembersContext } from '../loaders';
import type { MemberRecord } from '../model';

const ref = (typename: 'Store' | 'Guide', id: string | null) => (id ? { __typename: typename, id } : null);

/** A Member record exists only inside the caller's scope (the loaders fence it); everything below is its own. */
export const Member = {
  __resolveReference: (r: { id: string }, ctx: MembersContext) => ctx.loaders.member.load(r.id),
  brand: (m: MemberRecord) => ({ __typename: 'Brand', id: m.brandId }),
  identities: (m: MemberRecord, _: unknown, ctx: MembersContext) => ctx.loaders.identities.load(m.id),
  joinSource: (m: MemberRecord) => ({ channel: m.joinChannel, store: ref('Store', m.joinStoreId), guide: ref('Guide', m.joinGuideId) }),
  homeStore: (m: MemberRecord) => ref('Store', m.homeStoreId),
  guide: (m: MemberRecord) => ref('Guide', m.guideId),
  tags: (m: MemberRecord, _: unknown, ctx: MembersContext) => ctx.loaders.tagsOfMember.load(m.id),
  tierHistory: async (m: MemberRecord, _: unknown, ctx: MembersContext) =>
    (await ctx.loaders.tierHistory.load(m.id)).map((c) => ({ ...c, spend: c.spendFen === null || c.currency === null ? null : formatMoney(c.spendFen, c.currency) })),
  guideHistory: async (m: MemberRecord, _: unknown, ctx: MembersContext) =>
    (await ctx.loaders.guideHistory.load(m.id)).map((a) => ({ guide: { __typename: 'Guide', id: a.guideId }, from: a.from, to: a.to, reason: a.reason })),
  /** Only a merged member's own record (mergeMembers' `merged`) has one; the loader answers the survivor at the chain's end. */
  mergedInto: (m: MemberRecord, _: unknown, ctx: MembersContext) => (m.mergedInto ? ctx.loaders.member.load(m.mergedInto) : null),
};
