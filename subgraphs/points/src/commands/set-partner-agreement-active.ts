import { InputCheck, UserErrorException } from '@retail/platform';
import { assertMayRunAgreement } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { AgreementRecord } from '../model';
import { lockAgreement, setActive } from '../repo/agreements';

export interface SetPartnerAgreementActiveInput {
  agreementId: string;
  active: boolean;
}

/**
 * setPartnerAgreementActive (scope points:agreements): an admin of either brand switches the agreement on (only once
 * both brands agreed: INVALID_TRANSITION before) or off (either brand may withdraw). Quotes already given stay
 * valid until they expire.
 */
export async function setPartnerAgreementActive(ctx: PointsContext, input: SetPartnerAgreementActiveInput): Promise<{ agreement: AgreementRecord }> {
  const check = new InputCheck();
  const agreementId = check.text(input.agreementId, ['input', 'agreementId'], 100);
  check.require(typeof input.active === 'boolean', ['input', 'active'], 'active must be true or false');
  check.done();
  return ctx.db.transaction(async (tx) => {
    const agreement = await lockAgreement(tx, ctx.scope, agreementId);
    if (!agreement) throw UserErrorException.notFound('partner agreement', ['input', 'agreementId']);
    assertMayRunAgreement(ctx.scope, agreement);
    if (input.active && !agreement.acceptedAt) {
      throw UserErrorException.of('INVALID_TRANSITION', `both brands must agree first: ${agreement.proposedByBrandId} proposed it, the other brand has not accepted it`, ['input', 'active']);
    }
    if (agreement.active === input.active) return { agreement };
    return { agreement: await setActive(tx, agreement.id, input.active) };
  });
}
