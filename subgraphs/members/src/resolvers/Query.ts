import { badUserInput, connectionOf, MAX_PAGE, pageRequest, requireService, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeMembers, type MembersContext } from '../loaders';
import type { IdentityChannel } from '../model';
import { listMembers, type MemberFilter } from '../repo/members';
import { listTags } from '../repo/tags';
import { tierRulesOf } from '../repo/tiers';
import { assertMayExport, memberExportDocument } from '../domain/member-export';
import { memberDataKey } from '../domain/member-data-key';
import { exportProfile, exportRows } from '../repo/member-export';

export const Query = {
  member: (_: unknown, { id }: { id: string }, ctx: MembersContext) => ctx.loaders.member.load(id),
  /** The brand is the caller's own (a brand-scoped viewer) or `brandId`; the platform without one gets the earliest binding in any brand. */
  memberByIdentity: async (_: unknown, a: { channel: IdentityChannel; appId: string; externalId: string; brandId?: string | null }, ctx: MembersContext) => {
    const brandId = a.brandId ?? ('brandId' in ctx.scope ? ctx.scope.brandId : null);
    const memberId = await ctx.loaders.memberIdByIdentity.load({ brandId, channel: a.channel, appId: a.appId, externalId: a.externalId });
    return memberId === null ? null : ctx.loaders.member.load(memberId);
  },
  /** Internal, SERVICE only (orders at order time): the facts of each member found, a merged one answered by its survivor. */
  memberFacts: async (_: unknown, { ids }: { ids: string[] }, ctx: MembersContext) => {
    requireService(ctx.viewer);
    if (ids.length > MAX_PAGE) throw badUserInput(`at most ${MAX_PAGE} ids`, ['ids']);
    const members = await ctx.loaders.member.loadMany(ids);
    return ids.flatMap((id, i) => {
      const m = members[i];
      return m && !(m instanceof Error)
        ? [{ id, memberId: m.id, brandId: m.brandId, oneId: m.oneId, homeStoreId: m.homeStoreId, guideId: m.guideId, tierCode: m.tier.code, erased: m.erasedAt !== null }]
        : [];
    });
  },
  /** PIPL data export, as JSON: for the member itself and the platform (domain/member-export.ts); null for a member out of reach. */
  memberDataExport: async (_: unknown, { memberId }: { memberId: string }, ctx: MembersContext) => {
    assertMayExport(ctx.scope);
    const profile = await exportProfile(ctx.db, ctx.scope, memberId);
    return profile && memberExportDocument(ctx.scope, memberDataKey(ctx.settings), profile, await exportRows(ctx.db, profile.id), new Date());
  },
  members: async (_: unknown, args: PageArgs & { filter?: MemberFilter | null }, ctx: MembersContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(primeMembers(ctx.loaders, await listMembers(ctx.db, ctx.scope, args.filter ?? {}, page)), page.first);
  },
  tags: async (_: unknown, args: PageArgs & { brandId: string }, ctx: MembersContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(await listTags(ctx.db, ctx.scope, args.brandId, page), page.first);
  },
  tierRules: (_: unknown, { brandId }: { brandId: string }, ctx: MembersContext) => tierRulesOf(ctx.db, ctx.scope, brandId),
};
