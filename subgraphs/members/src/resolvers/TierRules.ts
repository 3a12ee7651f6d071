import { formatMoney } from '@retail/platform';
import type { TierRulesRecord } from '../model';

export const TierRules = {
  brand: (r: TierRulesRecord) => ({ __typename: 'Brand', id: r.brandId }),
  tiers: (r: TierRulesRecord) =>
    r.tiers.map((t) => ({
      tier: { code: t.code, name: t.name, rank: t.rank },
      minSpend: t.minSpendFen === null || r.currency === null ? null : formatMoney(t.minSpendFen, r.currency),
      minPointsEarned: t.minPointsEarned,
    })),
};
