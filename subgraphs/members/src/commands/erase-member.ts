import { accountRefs, idempotent, InputCheck, scopeKey, UserErrorException, type Transaction } from '@retail/platform';
import { assertMayErase, assertReasonAnonymous } from '../domain/erasure';
import { memberDataKey } from '../domain/member-data-key';
import { openedPhone } from '../domain/member-export';
import { publishMembersErased } from '../events/publishes';
import type { MembersContext } from '../loaders';
import type { MemberRecord } from '../model';
import { eraseMembers, insertErasures, lockPersonMembers } from '../repo/erasures';
import { identitiesOf } from '../repo/identities';
import { membersByIds } from '../repo/members';

export interface EraseMemberInput {
  memberId: string;
  /** Optional: erasure is idempotent by the member anyway; with a key, a retry replays and a reuse is refused. */
  idempotencyKey?: string | null;
  reason: string;
}

/** What an erasure's idempotency record keeps: ids and counts only (docs/architecture.md §7). */
interface EraseResponse {
  memberId: string;
  erasedCount: number;
}

/**
 * PIPL erasure (删除权): in one transaction, the person's members in the brand (the member asked for, its survivor
 * and every member merged into it: one person) become anonymous tombstones (repo/erasures.ts), each with an audit
 * row (members.member_erasure) and a members.member.erased event for the subgraphs that copied personal data, with the
 * keyed refs of the channel accounts each member held (ACCOUNT_REF_KEY), by which they find their copies. A
 * brand admin of the member's brand or the platform; others who see the member get FORBIDDEN, others NOT_FOUND.
 * Erasing an erased member changes nothing and publishes nothing. Returns the member asked for, as a tombstone.
 */
export async function eraseMember(ctx: MembersContext, input: EraseMemberInput): Promise<{ member: MemberRecord | null }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const memberId = check.text(input.memberId, ['input', 'memberId'], 64);
  const reason = check.text(input.reason, ['input', 'reason'], 200);
  check.done();

  const keys = memberDataKey(ctx.settings);
  const refs = accountRefs(ctx.settings.ACCOUNT_REF_KEY);
  const erase = async (tx: Transaction): Promise<EraseResponse> => {
    const [target] = await membersByIds(tx, scope, [memberId]);
    if (!target) throw UserErrorException.notFound('member', ['input', 'memberId']);
    assertMayErase(scope, target.brandId);

    const person = await lockPersonMembers(tx, memberId);
    assertReasonAnonymous(reason, person.flatMap((m) => [m.displayName, m.phoneMasked, openedPhone(keys, m.id, m.phoneCipher)]));
    const pending = person.filter((m) => m.erasedAt === null).map((m) => m.id);
    if (pending.length === 0) return { memberId, erasedCount: 0 };

    const accounts = await identitiesOf(tx, pending);
    const erasedAt = await eraseMembers(tx, pending);
    await insertErasures(tx, { brandId: target.brandId, memberIds: pending, actorRole: ctx.viewer.role, actorScope: scopeKey(scope), actorSubject: ctx.viewer.subject, reason, erasedAt });
    await publishMembersErased(
      tx,
      pending.map((id) => ({
        memberId: id,
        brandId: target.brandId,
        erasedAt: erasedAt.toISOString(),
        accountRefs: [...new Set(accounts.filter((a) => a.memberId === id).map((a) => refs.of(a)))].sort(),
      })),
    );
    return { memberId, erasedCount: pending.length };
  };

  const key = input.idempotencyKey ?? null;
  if (key === null) await ctx.db.transaction(erase);
  else await idempotent(ctx.db, { schema: 'members', scope: scopeKey(scope), operation: 'eraseMember', key, request: { memberId, reason } }, erase);
  const [member] = await membersByIds(ctx.db, scope, [memberId]);
  return { member: member ?? null };
}
