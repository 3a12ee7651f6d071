import type { Database } from '@retail/platform';
import { memberDataKey } from '../domain/member-data-key';
import { maskMobile } from '../domain/phone';
import { GUIDE_DIRECTORY } from '../repo/guide-directory';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { seedTags } from '../repo/tags';
import { seedTierRules, seedTiers } from '../repo/tiers';
import type { MembersSettings } from '../settings';
import { DEMO_DIRECTORY_AS_OF, DEMO_GUIDE_ASSIGNMENTS, DEMO_IDENTITIES, DEMO_MEMBER_GUIDES, DEMO_MEMBER_STORES, DEMO_MEMBER_TAGS, DEMO_MEMBERS, DEMO_TAGS, DEMO_TIER_RULES, DEMO_TIER_THRESHOLDS, DEMO_TIERS } from './data';

export * from './data';

/**
 * Loads the demo members (./data.ts) with the directories of the demo stores and guides and the brands' tiers, in
 * one transaction. Phones are stored as a real registration stores them (encrypted, hashed and masked with
 * MEMBER_DATA_KEY, the OneID derived from the phone), so registering a demo person again finds them. Idempotent:
 * rows that exist are left as they are (ON CONFLICT DO NOTHING), so a second run neither fails nor overwrites what
 * users changed.
 */
export async function seedMembers(db: Database, settings: MembersSettings): Promise<void> {
  const keys = memberDataKey(settings);
  const members = DEMO_MEMBERS.map((m) => ({
    ...m,
    oneId: keys.oneIdFromPhone(m.phone),
    phoneCipher: keys.sealPhone(m.id, m.phone),
    phoneHash: keys.phoneHash(m.phone),
    phoneMasked: maskMobile(m.phone),
  }));
  await db.transaction(async (tx) => {
    await STORE_DIRECTORY.seed(tx, DEMO_MEMBER_STORES, DEMO_DIRECTORY_AS_OF);
    await GUIDE_DIRECTORY.seed(tx, DEMO_MEMBER_GUIDES, DEMO_DIRECTORY_AS_OF);
    await seedTiers(tx, DEMO_TIERS);
    await seedTierRules(tx, DEMO_TIER_RULES, DEMO_TIER_THRESHOLDS);
    await tx.query(
      `INSERT INTO members.member (id, brand_id, one_id, display_name, phone_cipher, phone_hash, phone_masked, tier_code, join_channel, join_store_id,
                                   join_guide_id, home_store_id, guide_id, guide_bound_at, joined_at, created_at, updated_at)
       SELECT x.id, x."brandId", x."oneId", x."displayName", x."phoneCipher", x."phoneHash", x."phoneMasked", x."tierCode", x."joinChannel", x."joinStoreId",
              x."joinGuideId", x."joinStoreId", x."guideId", x."guideBoundAt", x."joinedAt", x."joinedAt", x."joinedAt"
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, "brandId" text, "oneId" text, "displayName" text, "phoneCipher" text, "phoneHash" text, "phoneMasked" text,
              "tierCode" text, "joinChannel" text, "joinStoreId" text, "joinGuideId" text, "guideId" text, "guideBoundAt" timestamptz, "joinedAt" timestamptz)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(members)],
    );
    // Accounts and bindings only of demo members that are there (a conflicting member row was left as it is).
    await tx.query(
      `INSERT INTO members.channel_identity (brand_id, channel, app_id, external_id, member_id, union_id, bound_at)
       SELECT m.brand_id, x.channel, x."appId", x."externalId", x."memberId", x."unionId", x."boundAt"
         FROM jsonb_to_recordset($1::jsonb) AS x("memberId" text, channel text, "appId" text, "externalId" text, "unionId" text, "boundAt" timestamptz)
         JOIN members.member m ON m.id = x."memberId"
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(DEMO_IDENTITIES)],
    );
    await tx.query(
      `INSERT INTO members.guide_assignment (member_id, guide_id, reason, from_at, to_at)
       SELECT x."memberId", x."guideId", x.reason, x."from", x."to"
         FROM jsonb_to_recordset($1::jsonb) AS x("memberId" text, "guideId" text, reason text, "from" timestamptz, "to" timestamptz)
        WHERE EXISTS (SELECT 1 FROM members.member m WHERE m.id = x."memberId")
          AND NOT EXISTS (SELECT 1 FROM members.guide_assignment a WHERE a.member_id = x."memberId" AND a.guide_id = x."guideId" AND a.from_at = x."from")
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(DEMO_GUIDE_ASSIGNMENTS)],
    );
    // Tags with their members, after the members: a tag already there keeps the members users gave it.
    await seedTags(tx, DEMO_TAGS, DEMO_MEMBER_TAGS);
  });
}
