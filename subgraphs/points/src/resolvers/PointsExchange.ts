import type { PointsContext } from '../loaders';
import type { ExchangeRecord } from '../model';

/** An exchange inside the caller's scope; its quote and entries are reached through it. */
export const PointsExchange = {
  quote: async (x: ExchangeRecord, _: unknown, ctx: PointsContext) => ctx.loaders.quote.load(x.quoteId),
  fromTransaction: (x: ExchangeRecord, _: unknown, ctx: PointsContext) => ctx.loaders.entry.load(x.fromEntryId),
  toTransaction: (x: ExchangeRecord, _: unknown, ctx: PointsContext) => ctx.loaders.entry.load(x.toEntryId),
};
