import { idempotent, InputCheck, requireService, scopeKey, UserErrorException } from '@retail/platform';
import { publishEarnBooked } from '../events/publishes';
import type { PointsContext } from '../loaders';
import type { LedgerWrite } from '../model';
import { accountOfMember, accountsByIds, ensureAccount } from '../repo/accounts';
import { earnForOrder } from '../repo/earning';
import { ruleAt } from '../repo/earning-rules';
import { credit, lockAccount } from '../repo/ledger';
import { lockOrder } from '../repo/order-points';
import { MAX_POINTS } from './redeem-points';

export interface EarnPointsInput {
  idempotencyKey: string;
  memberId: string;
  brandId?: string | null;
  points: number;
  reason: string;
  orderId?: string | null;
  expiresAt?: Date | null;
  availableAt?: Date | null;
}

/**
 * earnPoints (internal, SERVICE callers only): credits points with the same rules as orders.order.paid, once per
 * idempotencyKey and, with an orderId, once per order (a second earn for the order returns the first one's entry).
 * The lot lapses at expiresAt or by the brand's rule and stays pending until availableAt. A member without an account
 * gets one at brandId; without brandId that is NOT_FOUND.
 */
export async function earnPoints(ctx: PointsContext, input: EarnPointsInput): Promise<LedgerWrite> {
  requireService(ctx.viewer);
  const check = new InputCheck();
  const memberId = check.text(input.memberId, ['input', 'memberId'], 100);
  const brandId = check.optionalText(input.brandId, ['input', 'brandId'], 64);
  check.require(Number.isInteger(input.points) && input.points >= 1 && input.points <= MAX_POINTS, ['input', 'points'], `points must be 1 to ${MAX_POINTS}`);
  const reason = check.text(input.reason, ['input', 'reason'], 200);
  const orderId = check.optionalText(input.orderId, ['input', 'orderId'], 100);
  const availableAt = input.availableAt ?? null;
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt) check.require(expiresAt.getTime() > Math.max(Date.now(), availableAt?.getTime() ?? 0), ['input', 'expiresAt'], 'expiresAt must be in the future and after availableAt');
  check.done();
  const { idempotencyKey } = input;
  const { response } = await idempotent(
    ctx.db,
    { schema: 'points', scope: scopeKey(ctx.scope), operation: 'earnPoints', key: idempotencyKey, request: { memberId, brandId, points: input.points, reason, orderId, expiresAt, availableAt } },
    async (tx) => {
      const known = await accountOfMember(tx, ctx.scope, memberId);
      const accountBrand = known?.brandId ?? brandId;
      if (!accountBrand) throw UserErrorException.notFound('points account (give brandId for a new member)', ['input', 'memberId']);
      if (brandId && brandId !== accountBrand) throw UserErrorException.of('BRAND_MISMATCH', `member ${memberId} has its points at brand ${accountBrand}`, ['input', 'brandId']);
      if (orderId) await lockOrder(tx, orderId);
      const account = await lockAccount(tx, await ensureAccount(tx, memberId, accountBrand));
      const lapses = expiresAt ?? (await ruleAt(tx, accountBrand))?.expiresAt;
      if (!lapses) throw UserErrorException.of('INVALID_INPUT', `brand ${accountBrand} has no earning rule: give expiresAt`, ['input', 'expiresAt']);
      if (availableAt && new Date(lapses).getTime() <= availableAt.getTime()) throw UserErrorException.of('INVALID_INPUT', 'the points would lapse before they become available', ['input', 'availableAt']);
      const lot = { earnedAt: null, availableAt, expiresAt: lapses };
      let booked;
      if (orderId) booked = (await earnForOrder(tx, account, { orderId, paidFen: 0, points: input.points, reason, ...lot })).entry;
      else {
        booked = (await credit(tx, account, input.points, { ...lot, orderId: null }, { kind: 'EARN', reason, idempotencyKey })).entry;
        await publishEarnBooked(tx, account, booked);
      }
      if (!booked) throw UserErrorException.of('ALREADY_EXISTS', `order ${orderId} was booked without points`, ['input', 'orderId']);
      const [accountRecord] = await accountsByIds(tx, ctx.scope, [account.id]);
      return { transaction: booked, account: accountRecord! };
    },
  );
  return response;
}
