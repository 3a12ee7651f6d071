import { idempotent, InputCheck, scopeKey, UserErrorException } from '@retail/platform';
import { takeFromLots } from '../domain/lots';
import { assertMayAdjust } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { LedgerWrite } from '../model';
import { accountOfMember } from '../repo/accounts';
import { recordAdjustment } from '../repo/adjustments';
import { ruleAt } from '../repo/earning-rules';
import { credit, debit, lockAccount, spendableLots } from '../repo/ledger';
import { MAX_POINTS } from './redeem-points';

export interface AdjustPointsInput {
  idempotencyKey: string;
  memberId: string;
  points: number;
  reason: string;
  expiresAt?: Date | null;
}

/**
 * adjustPoints: a brand admin's (or the platform's) correction of a member's points, once per idempotencyKey and
 * audited (points.adjustment: actor, role, scope, reason) in the same transaction. A credit is a new lot, spendable
 * at once, lapsing at expiresAt or by the brand's rule; a debit takes spendable lots FIFO like a redemption and may
 * not take the balance below 0 (INSUFFICIENT_POINTS). A franchisee or store may see balances but not adjust them.
 */
export async function adjustPoints(ctx: PointsContext, input: AdjustPointsInput): Promise<LedgerWrite> {
  const { scope, viewer } = ctx;
  const check = new InputCheck();
  const memberId = check.text(input.memberId, ['input', 'memberId'], 100);
  check.require(Number.isInteger(input.points) && input.points !== 0 && Math.abs(input.points) <= MAX_POINTS, ['input', 'points'], `points must be non-zero and at most ${MAX_POINTS} either way`);
  const reason = check.text(input.reason, ['input', 'reason'], 200);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt) {
    check.require(input.points > 0, ['input', 'expiresAt'], 'only a credit has an expiry');
    check.require(expiresAt.getTime() > Date.now(), ['input', 'expiresAt'], 'expiresAt must be in the future');
  }
  check.done();
  const { idempotencyKey } = input;
  const { response } = await idempotent(
    ctx.db,
    { schema: 'points', scope: scopeKey(scope), operation: 'adjustPoints', key: idempotencyKey, request: { memberId, points: input.points, reason, expiresAt } },
    async (tx) => {
      const found = await accountOfMember(tx, scope, memberId);
      if (!found) throw UserErrorException.notFound('points account', ['input', 'memberId']);
      assertMayAdjust(scope, found.brandId);
      if (found.mergedInto) throw UserErrorException.of('MEMBER_MERGED', `member ${memberId} was merged into another member; adjust the survivor's points`, ['input', 'memberId']);
      const account = await lockAccount(tx, found.id);
      const facts = { kind: 'ADJUST' as const, reason, actor: viewer.subject ?? viewer.role, idempotencyKey };
      let transaction;
      if (input.points > 0) {
        const lapses = expiresAt ?? (await ruleAt(tx, account.brandId))?.expiresAt;
        if (!lapses) throw UserErrorException.of('INVALID_INPUT', `brand ${account.brandId} has no earning rule: give expiresAt`, ['input', 'expiresAt']);
        transaction = (await credit(tx, account, input.points, { earnedAt: null, availableAt: null, expiresAt: lapses, orderId: null }, facts)).entry;
      } else {
        if (account.balance < -input.points) throw UserErrorException.of('INSUFFICIENT_POINTS', `only ${account.balance} points are spendable`, ['input', 'points']);
        const lots = await spendableLots(tx, account.id);
        transaction = await debit(tx, account, lots, takeFromLots(lots, -input.points).takes, facts);
      }
      await recordAdjustment(tx, { entryId: transaction.id, actor: facts.actor, role: viewer.role, scope: scopeKey(scope), reason, points: input.points });
      return { transaction, account: found };
    },
  );
  return response;
}
