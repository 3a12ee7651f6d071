import type { OperatorCommissionRecord } from '../model';

/** A commission rate of an operator (分账比例), as the brand admin set it. */
export const OperatorCommission = {
  brand: (c: OperatorCommissionRecord) => ({ __typename: 'Brand', id: c.brandId }),
  franchisee: (c: OperatorCommissionRecord) => ({ __typename: 'Franchisee', id: c.franchiseeId }),
};
