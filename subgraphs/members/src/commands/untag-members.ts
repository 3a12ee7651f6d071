import type { MembersContext } from '../loaders';
import { removeMemberTags } from '../repo/tags';
import { checkTagging, prepareTagging, type TagMembersInput } from './tag-members';

export type UntagMembersInput = TagMembersInput;

/** untagMembers: takes every tag off every member, checked as tagMembers is; counts only the pairs removed. */
export async function untagMembers(ctx: MembersContext, input: UntagMembersInput): Promise<{ removedCount: number }> {
  const tagging = await prepareTagging(ctx, input);
  return ctx.db.transaction(async (tx) => {
    await checkTagging(tx, ctx.scope, tagging);
    return { removedCount: await removeMemberTags(tx, tagging.memberIds, tagging.tagIds) };
  });
}
