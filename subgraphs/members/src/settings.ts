import { accountRefKeySetting, secretSetting, type SettingsOf } from '@retail/platform/config';

/** members' own settings beside every subgraph's (docs/adding-a-subgraph.md, "Settings"). */
export const MEMBERS_SETTINGS = {
  /**
   * The key of members' personal data: phone numbers are encrypted (AES-256-GCM), looked up (HMAC-SHA256) and
   * turned into OneIDs with keys derived from it (src/domain/member-data-key.ts). Production refuses a missing,
   * short or development value; changing it makes the stored numbers unreadable and their hashes unmatched.
   */
  MEMBER_DATA_KEY: secretSetting('dev-member-data-key-change-me'),
  /**
   * The key of the channel-account refs members.member.erased carries instead of the erased member's account ids
   * (platform/src/account-ref.ts); the same value as channels'.
   */
  ACCOUNT_REF_KEY: accountRefKeySetting(),
};

export type MembersSettings = SettingsOf<typeof MEMBERS_SETTINGS>;
