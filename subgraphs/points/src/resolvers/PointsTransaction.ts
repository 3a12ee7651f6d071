import type { PointsContext } from '../loaders';
import type { EntryRecord } from '../model';

/** A ledger entry as the account's ledger or a write's payload returned it. */
export const PointsTransaction = {
  order: (e: EntryRecord) => (e.orderId ? { __typename: 'Order', id: e.orderId } : null),
  /** The exchange, when the caller may see it (its members, either brand's admins, partners). */
  exchange: (e: EntryRecord, _: unknown, ctx: PointsContext) => (e.exchangeId ? ctx.loaders.exchange.load(e.exchangeId) : null),
};
