import { formatMoney } from '@retail/platform';
import { maySeeSettlement } from '../domain/permissions';
import type { PointsContext } from '../loaders';
import type { AgreementRecord } from '../model';

/** A PartnerAgreement record exists only inside the caller's scope (the loaders fence it). */
export const PartnerAgreement = {
  fromBrand: (g: AgreementRecord) => ({ __typename: 'Brand', id: g.fromBrandId }),
  toBrand: (g: AgreementRecord) => ({ __typename: 'Brand', id: g.toBrandId }),
  proposedBy: (g: AgreementRecord) => ({ __typename: 'Brand', id: g.proposedByBrandId }),
  rate: (g: AgreementRecord) => ({ fromPoints: g.rateFrom, toPoints: g.rateTo }),
  /** The settlement price is the two brands' business (schema: null for others), as their settlement statement is. */
  pricePerPoint: (g: AgreementRecord, _: unknown, ctx: PointsContext) => (maySeeSettlement(ctx.scope, g) ? formatMoney(Number(g.pricePerPointFen), g.currency) : null),
};
