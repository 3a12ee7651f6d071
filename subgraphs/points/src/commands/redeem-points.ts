import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import { takeFromLots } from '../domain/lots';
import { assertMayRedeem } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { LedgerWrite } from '../model';
import { accountOfMember } from '../repo/accounts';
import { debit, lockAccount, redeemableLots } from '../repo/ledger';

export interface RedeemPointsInput {
  idempotencyKey: string;
  memberId: string;
  points: number;
  reason: string;
  orderId?: string | null;
}

export const MAX_POINTS = 10_000_000;

/**
 * redeemPoints (积分抵扣/兑换): spends points from the member's spendable lots, soonest expiry first, once per
 * idempotencyKey (docs/architecture.md §7). The account row is locked for the whole transaction, so parallel
 * redemptions queue and none takes the balance below 0: one that the balance cannot cover is INSUFFICIENT_POINTS,
 * and more redemptions than POINTS_REDEEM_LIMIT_PER_MINUTE in a minute are VELOCITY_LIMIT_EXCEEDED. Pending and
 * lapsed points are not spendable.
 */
export async function redeemPoints(ctx: PointsContext, input: RedeemPointsInput): Promise<LedgerWrite> {
  const { scope } = ctx;
  const check = new InputCheck();
  const memberId = check.text(input.memberId, ['input', 'memberId'], 100);
  check.require(Number.isInteger(input.points) && input.points >= 1 && input.points <= MAX_POINTS, ['input', 'points'], `points must be 1 to ${MAX_POINTS}`);
  const reason = check.text(input.reason, ['input', 'reason'], 200);
  const orderId = check.optionalText(input.orderId, ['input', 'orderId'], 100);
  check.done();
  assertMayRedeem(scope, memberId);
  const limit = ctx.settings.POINTS_REDEEM_LIMIT_PER_MINUTE;
  const { idempotencyKey } = input;
  const { response } = await idempotent(
    ctx.db,
    { schema: 'points', scope: scopeKey(scope), operation: 'redeemPoints', key: idempotencyKey, request: { memberId, points: input.points, reason, orderId } },
    async (tx) => {
      const found = await accountOfMember(tx, scope, memberId);
      if (!found) throw UserErrorException.notFound('points account', ['input', 'memberId']);
      if (found.mergedInto) throw UserErrorException.of('MEMBER_MERGED', `member ${memberId} was merged into another member; spend the survivor's points`, ['input', 'memberId']);
      const account = await lockAccount(tx, found.id);
      const { lots, recentRedemptions } = await redeemableLots(tx, account.id);
      if (recentRedemptions >= limit) {
        throw UserErrorException.of('VELOCITY_LIMIT_EXCEEDED', `at most ${limit} redemptions a minute per member; try again shortly`, ['input', 'memberId']);
      }
      if (account.balance < input.points) throw UserErrorException.of('INSUFFICIENT_POINTS', `only ${account.balance} points are spendable`, ['input', 'points']);
      const { takes, shortfall } = takeFromLots(lots, input.points);
      // The cached balance is the sum of the released lots: they always cover it.
      if (shortfall > 0) throw new Error(`points account ${account.id}: cached balance ${account.balance} exceeds its spendable lots`);
      const transaction = await debit(tx, account, lots, takes, { kind: 'REDEEM', reason, orderId, idempotencyKey });
      return { transaction, account: found };
    },
  );
  return response;
}
