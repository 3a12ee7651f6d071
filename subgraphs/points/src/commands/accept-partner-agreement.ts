import { InputCheck, UserErrorException } from '@retail/platform';
import { assertMayAccept } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { AgreementRecord } from '../model';
import { lockAgreement, markAccepted } from '../repo/agreements';

export interface AcceptPartnerAgreementInput {
  agreementId: string;
}

/**
 * acceptPartnerAgreement (scope points:agreements): the brand that did not propose the agreement agrees to it; only
 * then can it be switched on. Accepting again changes nothing (the first acceptance stands).
 */
export async function acceptPartnerAgreement(ctx: PointsContext, input: AcceptPartnerAgreementInput): Promise<{ agreement: AgreementRecord }> {
  const check = new InputCheck();
  const agreementId = check.text(input.agreementId, ['input', 'agreementId'], 100);
  check.done();
  return ctx.db.transaction(async (tx) => {
    const agreement = await lockAgreement(tx, ctx.scope, agreementId);
    if (!agreement) throw UserErrorException.notFound('partner agreement', ['input', 'agreementId']);
    assertMayAccept(ctx.scope, agreement);
    if (agreement.acceptedAt) return { agreement };
    return { agreement: await markAccepted(tx, agreement.id, ctx.viewer.subject ?? ctx.viewer.role) };
  });
}
