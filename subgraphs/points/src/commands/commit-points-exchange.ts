import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import type { PointsContext } from '../loaders';
import type { ExchangeRecord } from '../model';
import { bookExchange, exchangeIdOfQuote, openQuote } from '../repo/exchanges';

export interface CommitPointsExchangeInput {
  idempotencyKey: string;
  quoteId: string;
}

/**
 * commitPointsExchange (step 2): carries out a quote exactly once (docs/architecture.md §7). In one transaction
 * with the idempotency record: the quote is read under a lock on its person and agreement (commits of one person
 * queue), then the sender is debited FIFO, the receiver credited with a lot by toBrand's expiry rule, and the
 * settlement entry booked (repo/exchanges.ts bookExchange). Replaying the key returns the same exchange; another key
 * for a committed quote is QUOTE_ALREADY_USED, a quote past its 60 seconds QUOTE_EXPIRED. The daily and velocity
 * limits and the balance are checked again under the locks. Calls no other service.
 */
export async function commitPointsExchange(ctx: PointsContext, input: CommitPointsExchangeInput): Promise<{ exchange: ExchangeRecord }> {
  const check = new InputCheck();
  const quoteId = check.text(input.quoteId, ['input', 'quoteId'], 100);
  check.done();
  const { scope } = ctx;
  if (scope.kind !== 'platform' && scope.kind !== 'member') throw UserErrorException.forbidden('a member exchanges its own points only', ['input', 'quoteId']);
  const { response } = await idempotent(
    ctx.db,
    { schema: 'points', scope: scopeKey(scope), operation: 'commitPointsExchange', key: input.idempotencyKey, request: { quoteId } },
    async (tx) => {
      const quote = await openQuote(tx, scope, quoteId);
      if (!quote) throw UserErrorException.notFound('exchange quote', ['input', 'quoteId']);
      // An expired quote that was committed in time is QUOTE_ALREADY_USED (bookExchange), not expired.
      if (quote.expired) {
        const usedBy = await exchangeIdOfQuote(tx, quote.id);
        if (usedBy) throw UserErrorException.of('QUOTE_ALREADY_USED', `quote ${quote.id} was committed as exchange ${usedBy}`, ['input', 'quoteId']);
        throw UserErrorException.of('QUOTE_EXPIRED', `quote ${quote.id} expired at ${new Date(quote.expiresAt).toISOString()}; ask for a new one`, ['input', 'quoteId']);
      }
      const exchange = await bookExchange(tx, quote, { perMinute: ctx.settings.POINTS_EXCHANGE_LIMIT_PER_MINUTE, dailyLimit: quote.dailyLimit }, input.idempotencyKey);
      return { exchange };
    },
  );
  return response;
}
