import { administersBrand, InputCheck, isUniqueViolation, userError, UserErrorException, type UserError } from '@retail/platform';
import { channelIdentity, type ChannelIdentityInput } from '../domain/identity';
import type { MembersContext } from '../loaders';
import type { MemberRecord } from '../model';
import { bindIdentity, homeStoreOfMember } from '../repo/identities';
import { lockMembers } from '../repo/merges';
import { lockRegistration, memberIdByIdentity } from '../repo/members';
import { STORE_DIRECTORY } from '../repo/store-directory';

export interface BindChannelIdentityInput {
  memberId: string;
  identity: ChannelIdentityInput;
}

export interface BindChannelIdentityResult {
  member: MemberRecord | null;
  /** For a brand admin or the platform: the member that holds the account, to merge with (mergeMembers). */
  mergeCandidate: MemberRecord | null;
  userErrors?: UserError[];
}

const identityField = ['input', 'identity'];

/**
 * Binds one more channel account to a member (e.g. Tmall after WeChat). Whoever's fence reaches the member may bind:
 * the member itself, its brand's admins, the platform and services, and the staff, guide and operator it belongs to
 * (a franchisee against the operator stores names just now). An account already on the member is a success that
 * changes nothing; one held by another member of the brand is IDENTITY_ALREADY_BOUND, never moved, and a brand admin
 * or the platform also gets that member as `mergeCandidate`. A merged member takes no accounts (MEMBER_MERGED: bind
 * to its survivor). Binds of one account queue on registerMember's registration lock, so parallel binds to two
 * members leave it with exactly one.
 *
 * OneID: binding never changes the member's oneId, even when a WECHAT unionId is known for another brand's member
 * with another oneId. A member always has a oneId (from joining), and other brands and subgraphs already refer to
 * it; linking two OneIDs as one person is a decision of its own, not a side effect of a binding. registerMember
 * uses the unionId for the OneID of a member who joins after it.
 */
export async function bindChannelIdentity(ctx: MembersContext, input: BindChannelIdentityInput): Promise<BindChannelIdentityResult> {
  const { scope } = ctx;
  const check = new InputCheck();
  const memberId = check.text(input.memberId, ['input', 'memberId'], 64);
  const identity = channelIdentity(check, input.identity, identityField);
  check.done();

  if (scope.kind === 'franchisee') {
    // A franchisee's write is fenced by the home store's operator now, not by a directory that may lag
    // (docs/architecture.md §6): stores' answer is recorded in the directory, which lockMembers' fence reads.
    const storeId = await homeStoreOfMember(ctx.db, memberId);
    if (storeId !== null) await STORE_DIRECTORY.operatorBeforeWrite(ctx, storeId);
  }

  let outcome: { brandId: string; holder: string | null };
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      // FOR SHARE: a merge of this member (FOR UPDATE) finishes first, and then this binding sees it merged.
      const [member] = await lockMembers(tx, scope, [memberId], 'share');
      if (!member) throw UserErrorException.notFound('member', ['input', 'memberId']);
      if (member.mergedInto !== null) throw UserErrorException.of('MEMBER_MERGED', 'the member was merged into another member; bind to that one', ['input', 'memberId']);
      await lockRegistration(tx, [JSON.stringify(['identity', member.brandId, identity.channel, identity.appId, identity.externalId])]);
      const holder = await memberIdByIdentity(tx, member.brandId, identity);
      if (holder === null) await bindIdentity(tx, member.brandId, member.id, identity);
      return { brandId: member.brandId, holder: holder === member.id ? null : holder };
    });
  } catch (e) {
    // Binds and registrations queue on the lock, so only a writer that takes no registration lock could get here first.
    if (isUniqueViolation(e, 'channel_identity_pkey')) throw UserErrorException.of('IDENTITY_ALREADY_BOUND', 'the account is bound to another member', identityField);
    throw e;
  }

  if (outcome.holder !== null) {
    const mergeCandidate = administersBrand(scope, outcome.brandId) ? await ctx.loaders.member.load(outcome.holder) : null;
    return {
      member: null,
      mergeCandidate,
      userErrors: [userError('IDENTITY_ALREADY_BOUND', 'the account is bound to another member of the brand; merge the two members instead', identityField)],
    };
  }
  return { member: await ctx.loaders.member.clear(memberId).load(memberId), mergeCandidate: null };
}
