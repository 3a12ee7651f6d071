import { InputCheck, isUniqueViolation, newId, UserErrorException } from '@retail/platform';
import { channelIdentity, mobileNumber, type ChannelIdentityInput } from '../domain/identity';
import { birthday } from '../domain/birthday';
import { memberDataKey } from '../domain/member-data-key';
import { assertGuideBindable, assertJoinPlace, assertMayRegister, joinPlace } from '../domain/permissions';
import { maskMobile } from '../domain/phone';
import type { MembersContext } from '../loaders';
import type { MemberRecord } from '../model';
import { bindGuide } from '../repo/guide-assignments';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { insertIdentity } from '../repo/identities';
import { insertMember, knownOneId, lockRegistration, memberIdByIdentity, memberIdByPhone, membersByIds } from '../repo/members';
import { survivorIdOf } from '../repo/merges';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { entryTier, recordJoinedTier } from '../repo/tiers';

export interface RegisterMemberInput {
  brandId: string;
  phone: string;
  identity: ChannelIdentityInput;
  displayName?: string | null;
  /** YYYY-MM-DD. */
  birthday?: string | null;
  storeId?: string | null;
  guideId?: string | null;
}

/**
 * 入会: joins a person to a brand, idempotent by identity. When the channel account, or else the phone, already
 * belongs to a member of the brand, that member comes back unchanged (alreadyMember), whatever became of the guide
 * it joined through; parallel joins of one person create one member (they queue on the registration lock). A new
 * member gets the person's OneID (from another brand's member with the same unionId or phone, else derived from
 * the phone), the brand's entry tier, the join source, the store as home store and the guide as exclusive guide
 * (JOINED_VIA). The member comes back only where the caller's fence reaches it (a guide does not see another
 * guide's customer who joins again).
 */
export async function registerMember(ctx: MembersContext, input: RegisterMemberInput): Promise<{ member: MemberRecord | null; alreadyMember: boolean }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const brandId = check.text(input.brandId, ['input', 'brandId'], 64);
  const mobile = mobileNumber(check, input.phone, ['input', 'phone']);
  const identity = channelIdentity(check, input.identity, ['input', 'identity']);
  const displayName = check.optionalText(input.displayName, ['input', 'displayName'], 50);
  const birthdayDate = birthday(check, input.birthday, ['input', 'birthday']);
  check.done();
  assertMayRegister(scope, brandId);

  const place = joinPlace(scope, { storeId: input.storeId ?? null, guideId: input.guideId ?? null });
  const guide = place.guideId === null ? null : await GUIDE_DIRECTORY.byId(ctx.db, place.guideId);
  const storeId = place.storeId ?? guide?.storeId ?? null;
  // A franchisee's registration is fenced by the store's operator now, not by a directory that may lag (docs/architecture.md §6).
  const operator = storeId === null ? null : await STORE_DIRECTORY.operatorBeforeWrite(ctx, storeId);

  const keys = memberDataKey(ctx.settings);
  const phoneHash = keys.phoneHash(mobile);
  try {
    return await ctx.db.transaction(async (tx) => {
      const store = storeId === null ? null : await STORE_DIRECTORY.withFence(tx, scope, storeId, operator);
      assertJoinPlace(scope, brandId, { storeId, guideId: place.guideId }, store, guide);
      const tier = await entryTier(tx, brandId);
      if (!tier) throw UserErrorException.notFound('brand', ['input', 'brandId']);

      await lockRegistration(tx, [JSON.stringify(['identity', brandId, identity.channel, identity.appId, identity.externalId]), JSON.stringify(['phone', brandId, phoneHash])]);
      const found = (await memberIdByIdentity(tx, brandId, identity)) ?? (await memberIdByPhone(tx, brandId, phoneHash));
      // The phone of a merged member stays on its record: the person is its survivor now.
      const existing = found === null ? null : await survivorIdOf(tx, found);
      const id = existing ?? newId('mem');
      if (!existing) {
        assertGuideBindable(guide, storeId);
        const oneId = (await knownOneId(tx, phoneHash, identity.unionId)) ?? keys.oneIdFromPhone(mobile);
        const { joinedAt } = await insertMember(tx, {
          id,
          brandId,
          oneId,
          displayName,
          birthday: birthdayDate,
          phoneCipher: keys.sealPhone(id, mobile),
          phoneHash,
          phoneMasked: maskMobile(mobile),
          tierCode: tier.code,
          joinChannel: identity.channel,
          joinStoreId: storeId,
          joinGuideId: place.guideId,
          homeStoreId: storeId,
        });
        await insertIdentity(tx, brandId, id, identity, joinedAt);
        if (place.guideId !== null) await bindGuide(tx, id, place.guideId, 'JOINED_VIA', joinedAt);
        await recordJoinedTier(tx, id, brandId, tier.code, joinedAt);
      }
      const [member] = await membersByIds(tx, scope, [id]);
      return { member: member ?? null, alreadyMember: existing !== null };
    });
  } catch (e) {
    // Registrations queue on the lock, so only a writer that takes no registration lock could get here first.
    if (isUniqueViolation(e, 'channel_identity_pkey') || isUniqueViolation(e, 'member_brand_phone_key')) {
      throw UserErrorException.of('CONFLICT', 'a concurrent registration of the same person won; try again', ['input', 'identity']);
    }
    throw e;
  }
}
