import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import { assertMayReverse } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { ExchangeRecord } from '../model';
import { recordAdjustment } from '../repo/adjustments';
import { lockExchange, reverseExchange } from '../repo/exchanges';

export interface ReversePointsExchangeInput {
  idempotencyKey: string;
  exchangeId: string;
  reason: string;
}

/**
 * reversePointsExchange (scope points:adjust): the platform or an admin of either brand undoes an exchange, once per
 * idempotencyKey, in one transaction: the receiver gives the points back (refused with INSUFFICIENT_POINTS when it
 * has spent them: never a negative balance), the sender gets exactly the lots it gave with their original expiry, and
 * the settlement books the reversal in its own period (repo/exchanges.ts reverseExchange). Both REVERSAL entries are
 * audited like manual adjustments (points.adjustment: who, role, scope, why). A reversed exchange is
 * INVALID_TRANSITION. A franchisee or store staff may not reverse.
 */
export async function reversePointsExchange(ctx: PointsContext, input: ReversePointsExchangeInput): Promise<{ exchange: ExchangeRecord }> {
  const { scope, viewer } = ctx;
  const check = new InputCheck();
  const exchangeId = check.text(input.exchangeId, ['input', 'exchangeId'], 100);
  const reason = check.text(input.reason, ['input', 'reason'], 200);
  check.done();
  assertMayReverse(scope);
  const { response } = await idempotent(
    ctx.db,
    { schema: 'points', scope: scopeKey(scope), operation: 'reversePointsExchange', key: input.idempotencyKey, request: { exchangeId, reason } },
    async (tx) => {
      const exchange = await lockExchange(tx, scope, exchangeId);
      if (!exchange) throw UserErrorException.notFound('points exchange', ['input', 'exchangeId']);
      if (exchange.status === 'REVERSED') throw UserErrorException.of('INVALID_TRANSITION', `exchange ${exchange.id} was reversed already`, ['input', 'exchangeId']);
      const actor = viewer.subject ?? viewer.role;
      const reversal = await reverseExchange(tx, exchange, { reason, actor, idempotencyKey: input.idempotencyKey });
      for (const entry of [reversal.toEntry, reversal.fromEntry]) {
        await recordAdjustment(tx, { entryId: entry.id, actor, role: viewer.role, scope: scopeKey(scope), reason, points: entry.points });
      }
      return { exchange: reversal.exchange };
    },
  );
  return response;
}
