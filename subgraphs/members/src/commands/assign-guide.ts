import { InputCheck, runsStores, UserErrorException, userError, type UserError } from '@retail/platform';
import { assignmentReason, distinct, type GuideMove } from '../domain/guide-handover';
import { publishGuideHandover } from '../events/publishes';
import type { MembersContext } from '../loaders';
import { lockMembersForBinding, moveGuides } from '../repo/guide-assignments';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { STORE_DIRECTORY } from '../repo/store-directory';

export interface AssignGuideInput {
  memberIds: string[];
  guideId: string;
}

/** At most this many members per assignGuide. */
export const MAX_ASSIGNED_MEMBERS = 1000;

/**
 * 在职分配: makes an ACTIVE guide the exclusive guide of members of its brand, all or none. A member's home store
 * must be the guide's store, or another store run by the same operator (franchisee), so customers can move between
 * the stores of one franchisee; a member without a home store cannot be assigned (STORE_MISMATCH). Unbound members
 * are ASSIGNED, members of another guide REASSIGNED (INHERITED_ON_LEAVE when that guide has left); members already
 * bound to the guide are skipped (not counted, no history row). Who may: the platform, the brand's admins, the
 * guide's store's operator (asked of stores now, docs/architecture.md §6) and staff; never a guide. Members outside
 * the caller's fence are NOT_FOUND. Parallel writers queue on the members' rows.
 */
export async function assignGuide(ctx: MembersContext, input: AssignGuideInput): Promise<{ guide: { id: string }; assignedCount: number; handoverId: string | null }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const guideId = check.text(input.guideId, ['input', 'guideId'], 64);
  check.require(input.memberIds.length >= 1 && input.memberIds.length <= MAX_ASSIGNED_MEMBERS, ['input', 'memberIds'], `name 1 to ${MAX_ASSIGNED_MEMBERS} members`);
  input.memberIds.forEach((id, i) => check.require(id.trim().length > 0 && id.length <= 64, ['input', 'memberIds', String(i)], 'must be a member id'));
  check.done();
  if (!runsStores(scope)) throw UserErrorException.forbidden('only the brand, the store operator and store staff assign guides', ['input', 'guideId']);
  const memberIds = distinct(input.memberIds);

  const found = await GUIDE_DIRECTORY.byId(ctx.db, guideId);
  if (!found) throw UserErrorException.notFound('guide', ['input', 'guideId']);
  const operator = await STORE_DIRECTORY.operatorBeforeWrite(ctx, found.storeId);

  return ctx.db.transaction(async (tx) => {
    const guide = await GUIDE_DIRECTORY.byId(tx, guideId);
    const store = guide && (await STORE_DIRECTORY.withFence(tx, scope, guide.storeId, guide.storeId === operator?.storeId ? operator : null));
    if (!guide || !store?.inScope) throw UserErrorException.notFound('guide', ['input', 'guideId']);
    if (guide.status !== 'ACTIVE') throw UserErrorException.of('GUIDE_NOT_ACTIVE', `guide ${guide.guideId} has left`, ['input', 'guideId']);

    const members = new Map((await lockMembersForBinding(tx, scope, memberIds)).map((m) => [m.id, m] as const));
    const refusal = (id: string, field: string[]): UserError | null => {
      const m = members.get(id);
      if (!m) return userError('NOT_FOUND', `member ${id} not found`, field);
      if (m.mergedInto) return userError('MEMBER_MERGED', `member ${id} was merged into ${m.mergedInto}`, field);
      if (m.brandId !== guide.brandId) return userError('BRAND_MISMATCH', `member ${id} belongs to another brand than guide ${guide.guideId}`, field);
      const sameOperator = m.homeStoreId !== null && m.homeOperatorId !== null && m.homeOperatorId === store.franchiseeId;
      if (m.homeStoreId !== guide.storeId && !sameOperator) return userError('STORE_MISMATCH', `member ${id} belongs to a store guide ${guide.guideId} does not serve`, field);
      return null;
    };
    const errors = input.memberIds.flatMap((id, i) => refusal(id, ['input', 'memberIds', String(i)]) ?? []);
    if (errors.length) throw new UserErrorException(errors);
    const moves: GuideMove[] = memberIds.flatMap((id) => {
      const reason = assignmentReason(members.get(id)!, guide.guideId);
      return reason ? [{ memberId: id, guideId: guide.guideId, reason }] : [];
    });
    const moved = await moveGuides(tx, moves);
    const handoverId = await publishGuideHandover(tx, { brandId: guide.brandId, kind: 'ASSIGN', moves, ...moved });
    return { guide: { id: guide.guideId }, assignedCount: moves.length, handoverId };
  });
}
