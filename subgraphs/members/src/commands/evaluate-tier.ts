import { administersBrand, InputCheck, UserErrorException } from '@retail/platform';
import type { MembersContext } from '../loaders';
import type { MemberRecord, TierRecord } from '../model';
import { membersByIds } from '../repo/members';
import { reevaluateTiers } from '../repo/tiers';

export interface EvaluateTierInput {
  memberId: string;
}

/**
 * evaluateTier: re-evaluates a member's tier now by its brand's tier rules (repo/tiers.ts reevaluateTiers), by the
 * brand's admins, the platform or another service; others FORBIDDEN (NOT_FOUND outside their fence). A tier history
 * row is written only when the tier changes; a brand without tier rules keeps its members' tiers.
 */
export async function evaluateTier(ctx: MembersContext, input: EvaluateTierInput): Promise<{ member: MemberRecord | null; previousTier: TierRecord; changed: boolean }> {
  const check = new InputCheck();
  const memberId = check.text(input.memberId, ['input', 'memberId'], 100);
  check.done();
  const field = ['input', 'memberId'];
  const [seen] = await membersByIds(ctx.db, ctx.scope, [memberId]);
  if (!seen) throw UserErrorException.notFound('member', field);
  if (!administersBrand(ctx.scope, seen.brandId)) throw UserErrorException.forbidden("only the brand's admins may evaluate tiers", field);
  if (seen.mergedInto) throw UserErrorException.of('MEMBER_MERGED', `member ${seen.id} was merged into ${seen.mergedInto}; evaluate the survivor`, field);
  return ctx.db.transaction(async (tx) => {
    const [decision] = await reevaluateTiers(tx, [memberId], new Date(), 'EVALUATED');
    const [member] = await membersByIds(tx, ctx.scope, [memberId]);
    return { member: member ?? null, previousTier: decision?.from ?? member?.tier ?? seen.tier, changed: decision !== undefined };
  });
}
