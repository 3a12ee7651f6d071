import type { PointsContext } from '../loaders';

/** Order is owned by orders; points adds what it earned net of reversals, null when nothing or out of reach. */
export const Order = {
  __resolveReference: (r: { id: string }) => ({ id: r.id }),
  pointsEarned: (o: { id: string }, _: unknown, ctx: PointsContext) => ctx.loaders.orderPoints.load(o.id),
};
