import type { MembersContext } from '../loaders';
import type { TagRecord } from '../model';

export const Tag = {
  brand: (t: TagRecord) => ({ __typename: 'Brand', id: t.brandId }),
  memberCount: (t: TagRecord, _: unknown, ctx: MembersContext) => ctx.loaders.tagMemberCount.load(t.id),
};
