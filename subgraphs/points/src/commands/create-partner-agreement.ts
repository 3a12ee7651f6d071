import { InputCheck, parseMoneyInput, type MoneyInput } from '@retail/platform';
import { MAX_AGREEMENT_POINTS } from '../domain/exchange';
import { proposingBrand } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { AgreementRecord } from '../model';
import { insertAgreement } from '../repo/agreements';

export interface CreatePartnerAgreementInput {
  fromBrandId: string;
  toBrandId: string;
  rate: { fromPoints: number; toPoints: number };
  minPoints: number;
  dailyLimitPerMember: number;
  pricePerPoint: MoneyInput;
  validFrom: Date;
  validTo?: Date | null;
}

/** Largest settlement price per point: 100.00. */
const MAX_PRICE_FEN = 10_000;

/**
 * createPartnerAgreement (异业合作, scope points:agreements): an admin of one of the two brands (or the platform, for
 * fromBrand) proposes the terms; the agreement stays inactive until the other brand's admin accepts it
 * (acceptPartnerAgreement) and either switches it on (setPartnerAgreementActive). Its terms never change afterwards.
 */
export async function createPartnerAgreement(ctx: PointsContext, input: CreatePartnerAgreementInput): Promise<{ agreement: AgreementRecord }> {
  const check = new InputCheck();
  const fromBrandId = check.text(input.fromBrandId, ['input', 'fromBrandId'], 64);
  const toBrandId = check.text(input.toBrandId, ['input', 'toBrandId'], 64);
  check.require(fromBrandId !== toBrandId, ['input', 'toBrandId'], 'an agreement is between two different brands');
  const term = (v: number, field: string[], what: string) => check.require(Number.isInteger(v) && v >= 1 && v <= MAX_AGREEMENT_POINTS, field, `${what} must be 1 to ${MAX_AGREEMENT_POINTS}`);
  term(input.rate.fromPoints, ['input', 'rate', 'fromPoints'], 'fromPoints');
  term(input.rate.toPoints, ['input', 'rate', 'toPoints'], 'toPoints');
  term(input.minPoints, ['input', 'minPoints'], 'minPoints');
  if (term(input.dailyLimitPerMember, ['input', 'dailyLimitPerMember'], 'dailyLimitPerMember')) {
    check.require(input.dailyLimitPerMember >= input.minPoints, ['input', 'dailyLimitPerMember'], 'the daily limit must allow at least one exchange of minPoints');
  }
  const price = check.attempt(() => parseMoneyInput(input.pricePerPoint, ['input', 'pricePerPoint'], { maxFen: MAX_PRICE_FEN }));
  const validTo = input.validTo ?? null;
  if (validTo) check.require(validTo.getTime() > input.validFrom.getTime(), ['input', 'validTo'], 'validTo must be after validFrom');
  check.done();
  const proposedBy = proposingBrand(ctx.scope, fromBrandId, toBrandId);
  const agreement = await ctx.db.transaction((tx) =>
    insertAgreement(tx, {
      fromBrandId,
      toBrandId,
      rateFrom: input.rate.fromPoints,
      rateTo: input.rate.toPoints,
      minPoints: input.minPoints,
      dailyLimitPerMember: input.dailyLimitPerMember,
      pricePerPointFen: price!.fen,
      currency: price!.currency,
      validFrom: input.validFrom,
      validTo,
      proposedByBrandId: proposedBy,
      proposedBy: ctx.viewer.subject ?? ctx.viewer.role,
    }),
  );
  return { agreement };
}
