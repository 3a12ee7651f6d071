import type { PointsContext } from '../loaders';
import type { QuoteRecord } from '../model';

/** A quote as quotePointsExchange returned it or an exchange reached it. */
export const PointsExchangeQuote = {
  fromMember: (q: QuoteRecord) => ({ __typename: 'Member', id: q.fromMemberId }),
  toMember: (q: QuoteRecord) => ({ __typename: 'Member', id: q.toMemberId }),
  agreement: (q: QuoteRecord, _: unknown, ctx: PointsContext) => ctx.loaders.agreement.load(q.agreementId),
  rate: (q: QuoteRecord) => ({ fromPoints: q.rateFrom, toPoints: q.rateTo }),
};
