import { InputCheck, UserErrorException } from '@retail/platform';
import { memberFacts } from '../peers';
import { pointsAtRate, QUOTE_VALID_SECONDS } from '../domain/exchange';
import { assertMayExchange } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { QuoteRecord } from '../model';
import { insertQuote, quoteFacts } from '../repo/exchanges';
import { MAX_POINTS } from './redeem-points';

export interface QuotePointsExchangeInput {
  agreementId: string;
  fromMemberId: string;
  toMemberId: string;
  fromPoints: number;
}

/**
 * quotePointsExchange (积分异业兑换, step 1): the member (or the platform for it) asks to move fromPoints of its points at
 * the agreement's fromBrand to its own membership at toBrand. members says, before anything is written (never inside a
 * transaction), whether both memberships are one person (same OneID: else ONE_ID_MISMATCH); a person without a
 * membership at toBrand must join it first (NOT_FOUND). The agreement must be in force (AGREEMENT_INACTIVE), the
 * points at least its minimum (BELOW_MINIMUM), within the person's daily limit (DAILY_LIMIT_EXCEEDED) and spendable
 * now (INSUFFICIENT_POINTS). The quote locks the rate and the settlement price for 60 seconds; it moves nothing yet.
 */
export async function quotePointsExchange(ctx: PointsContext, input: QuotePointsExchangeInput): Promise<{ quote: QuoteRecord }> {
  const check = new InputCheck();
  const agreementId = check.text(input.agreementId, ['input', 'agreementId'], 100);
  const fromMemberId = check.text(input.fromMemberId, ['input', 'fromMemberId'], 100);
  const toMemberId = check.text(input.toMemberId, ['input', 'toMemberId'], 100);
  check.require(Number.isInteger(input.fromPoints) && input.fromPoints >= 1 && input.fromPoints <= MAX_POINTS, ['input', 'fromPoints'], `fromPoints must be 1 to ${MAX_POINTS}`);
  check.require(fromMemberId !== toMemberId, ['input', 'toMemberId'], 'the receiving membership is another one than the sending');
  check.done();
  assertMayExchange(ctx.scope, fromMemberId);
  const agreement = await ctx.loaders.agreement.load(agreementId);
  if (!agreement) throw UserErrorException.notFound('partner agreement', ['input', 'agreementId']);

  const members = await memberFacts(ctx.peers, [fromMemberId, toMemberId]);
  const from = members.find((f) => f.id === fromMemberId && !f.erased);
  const to = members.find((f) => f.id === toMemberId && !f.erased);
  if (!from) throw UserErrorException.notFound('member', ['input', 'fromMemberId']);
  if (from.memberId !== fromMemberId) throw UserErrorException.of('MEMBER_MERGED', `member ${fromMemberId} was merged into ${from.memberId}; exchange from the survivor`, ['input', 'fromMemberId']);
  if (from.brandId !== agreement.fromBrandId) throw UserErrorException.of('BRAND_MISMATCH', `the agreement sends points of ${agreement.fromBrandId}; member ${fromMemberId} belongs to ${from.brandId}`, ['input', 'fromMemberId']);
  if (!to) throw UserErrorException.of('NOT_FOUND', `member ${toMemberId} not found: join ${agreement.toBrandId} first, then exchange`, ['input', 'toMemberId']);
  if (to.memberId !== toMemberId) throw UserErrorException.of('MEMBER_MERGED', `member ${toMemberId} was merged into ${to.memberId}; exchange to the survivor`, ['input', 'toMemberId']);
  if (to.brandId !== agreement.toBrandId) throw UserErrorException.of('BRAND_MISMATCH', `the agreement credits points of ${agreement.toBrandId}; member ${toMemberId} belongs to ${to.brandId}`, ['input', 'toMemberId']);
  if (from.oneId !== to.oneId) throw UserErrorException.of('ONE_ID_MISMATCH', 'the two memberships are not the same person', ['input', 'toMemberId']);

  const facts = await quoteFacts(ctx.db, agreement.id, agreement.fromBrandId, fromMemberId, from.oneId);
  if (!facts.inForce) throw UserErrorException.of('AGREEMENT_INACTIVE', `agreement ${agreement.id} is not active or outside its validity`, ['input', 'agreementId']);
  if (input.fromPoints < agreement.minPoints) throw UserErrorException.of('BELOW_MINIMUM', `at least ${agreement.minPoints} points per exchange`, ['input', 'fromPoints']);
  const toPoints = pointsAtRate(input.fromPoints, agreement.rateFrom, agreement.rateTo);
  if (toPoints < 1) throw UserErrorException.of('BELOW_MINIMUM', `${input.fromPoints} points are worth no point at ${agreement.rateFrom}:${agreement.rateTo}`, ['input', 'fromPoints']);
  if (facts.usedToday + input.fromPoints > agreement.dailyLimitPerMember) {
    throw UserErrorException.of('DAILY_LIMIT_EXCEEDED', `at most ${agreement.dailyLimitPerMember} points a day under this agreement; ${facts.usedToday} were exchanged today`, ['input', 'fromPoints']);
  }
  if (facts.fromMergedInto) throw UserErrorException.of('MEMBER_MERGED', `member ${fromMemberId} was merged into another member`, ['input', 'fromMemberId']);
  if (facts.spendable < input.fromPoints) throw UserErrorException.of('INSUFFICIENT_POINTS', `only ${facts.spendable} points are spendable`, ['input', 'fromPoints']);
  const quote = await insertQuote(
    ctx.db,
    {
      agreementId: agreement.id,
      fromBrandId: agreement.fromBrandId,
      toBrandId: agreement.toBrandId,
      fromMemberId,
      toMemberId,
      oneId: from.oneId,
      fromPoints: input.fromPoints,
      toPoints,
      rateFrom: agreement.rateFrom,
      rateTo: agreement.rateTo,
      pricePerPointFen: agreement.pricePerPointFen,
      currency: agreement.currency,
    },
    QUOTE_VALID_SECONDS,
  );
  return { quote };
}
