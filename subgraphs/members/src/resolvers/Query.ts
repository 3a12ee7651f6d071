import { connectionOf, pageRequest, type PageArgs } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { primeMembers, type MembersContext } from '../loaders';
import { listMembers, type MemberFilter } from '../repo/members';

export const Query = {
  member: (_: unknown, { id }: { id: string }, ctx: MembersContext) => ctx.loaders.member.load(id),
  members: async (_: unknown, args: PageArgs & { filter?: MemberFilter | null }, ctx: MembersContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(primeMembers(ctx.loaders, await listMembers(ctx.db, ctx.scope, args.filter ?? {}, page)), page.first);
  },
};
