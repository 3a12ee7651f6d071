import { administersBrand, InputCheck, UserErrorException } from '@retail/platform';
import { checkTierRules, type TierThresholdInput } from '../domain/tier-rule';
import type { MembersContext } from '../loaders';
import type { TierRulesRecord } from '../model';
import { reevaluateBrandTiers, saveTierRules, tierRulesOf, tiersOfBrand } from '../repo/tiers';

export interface SetTierRulesInput {
  brandId: string;
  windowDays: number;
  tiers: readonly TierThresholdInput[];
}

/**
 * setTierRules (会员等级规则): a brand's admins (or the platform) set the rolling window and every tier's thresholds
 * (domain/tier-rule.ts), then every member of the brand is re-evaluated under them at once (reason RULES_CHANGED), in
 * the same transaction.
 */
export async function setTierRules(ctx: MembersContext, input: SetTierRulesInput): Promise<{ tierRules: TierRulesRecord | null; changedCount: number }> {
  const check = new InputCheck();
  const brandId = check.text(input.brandId, ['input', 'brandId'], 64);
  check.done();
  if (!administersBrand(ctx.scope, brandId)) throw UserErrorException.forbidden("only the brand's admins may set its tier rules", ['input', 'brandId']);
  return ctx.db.transaction(async (tx) => {
    // Locks the brand's ladder, so two rule changes of one brand apply one after the other (a member's tier key
    // check, FOR KEY SHARE, is not held up).
    const ladder = await tiersOfBrand(tx, brandId, { lock: true });
    if (ladder.length === 0) throw UserErrorException.notFound('brand', ['input', 'brandId']);
    const rules = checkTierRules(check, input, ladder);
    check.done();
    await saveTierRules(tx, brandId, rules.windowDays, rules.currency, rules.tiers);
    const changedCount = await reevaluateBrandTiers(tx, brandId, new Date());
    return { tierRules: await tierRulesOf(tx, ctx.scope, brandId), changedCount };
  });
}
