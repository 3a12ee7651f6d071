import type { PointsContext } from '../loaders';

/** Member is owned by members; points adds its account, null when it has none or it is outside the caller's reach. */
export const Member = {
  __resolveReference: (r: { id: string }) => ({ id: r.id }),
  pointsAccount: (m: { id: string }, _: unknown, ctx: PointsContext) => ctx.loaders.accountOfMember.load(m.id),
};
