import { administersBrand, idempotent, InputCheck, newId, scopeKey, UserErrorException } from '@retail/platform';
import { assertMergeable, planMerge, type MergeCounts } from '../domain/merge';
import { publishMemberMerged } from '../events/publishes';
import type { MembersContext } from '../loaders';
import type { MemberRecord } from '../model';
import { clockNow, insertMergeAudit, lockMembers, markMerged, moveMemberRows, updateSurvivor } from '../repo/merges';

export interface MergeMembersInput {
  idempotencyKey: string;
  survivorId: string;
  mergedId: string;
}

/** What a merge's idempotency record keeps (ids and counts only: no personal data, docs/architecture.md §7). */
interface MergeResponse {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  moved: MergeCounts;
}

/**
 * Merges a duplicate member into the survivor (same person, same brand): in one transaction that locks both members
 * in id order, the merged member's channel accounts, tags, guide bindings, purchases and earned points move to the
 * survivor (domain/merge.ts says what the survivor keeps), the merged member points to the survivor (merged_into), the
 * merge is audited (members.member_merge) and members.member.merged goes to the outbox for orders and points.
 * From then on the merged id answers the survivor (member, _entities, memberFacts). Needs the members:merge scope
 * (the schema) and a brand admin of the members' brand or the platform. Idempotent by key: a replay returns the same
 * members and moves nothing again.
 */
export async function mergeMembers(ctx: MembersContext, input: MergeMembersInput): Promise<{ survivor: MemberRecord | null; merged: MemberRecord | null }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const survivorId = check.text(input.survivorId, ['input', 'survivorId'], 64);
  const mergedId = check.text(input.mergedId, ['input', 'mergedId'], 64);
  check.require(survivorId !== mergedId, ['input', 'mergedId'], 'must be another member than survivorId');
  check.done();
  if (scope.kind !== 'platform' && scope.kind !== 'brand') throw UserErrorException.forbidden('only a brand admin or the platform merges members', ['input', 'survivorId']);

  const call = { schema: 'members', scope: scopeKey(scope), operation: 'mergeMembers', key: input.idempotencyKey, request: { survivorId, mergedId } };
  const { response } = await idempotent<MergeResponse>(ctx.db, call, async (tx) => {
    const locked = await lockMembers(tx, scope, [survivorId, mergedId], 'update');
    const survivor = locked.find((m) => m.id === survivorId);
    const merged = locked.find((m) => m.id === mergedId);
    assertMergeable(survivor, merged);
    if (!administersBrand(scope, survivor.brandId)) throw UserErrorException.forbidden(`you may not merge members of brand ${survivor.brandId}`, ['input', 'survivorId']);

    const mergedAt = await clockNow(tx);
    const plan = planMerge(survivor, merged!);
    const moved = await moveMemberRows(tx, survivor.id, mergedId, mergedAt, plan.survivorKeepsGuide);
    await markMerged(tx, mergedId, survivor.id, mergedAt);
    await updateSurvivor(tx, plan.survivor);
    const mergeId = newId('mrg');
    await insertMergeAudit(tx, { id: mergeId, brandId: survivor.brandId, survivorId, mergedId, actor: ctx.viewer.subject ?? scopeKey(scope), mergedAt, moved });
    await publishMemberMerged(tx, { mergeId, brandId: survivor.brandId, survivorId, mergedId, oneId: survivor.oneId, mergedAt: mergedAt.toISOString() });
    return { mergeId, survivorId, mergedId, moved };
  });
  return { survivor: await ctx.loaders.member.load(response.survivorId), merged: await ctx.loaders.memberRecord.load(response.mergedId) };
}
