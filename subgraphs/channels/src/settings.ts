import { accountRefKeySetting, optionalSecretSetting, secretSetting, z, type SettingsOf } from '@retail/platform/config';

/** channels' own settings beside every subgraph's (docs/adding-a-subgraph.md, "settings.ts"). */
export const CHANNELS_SETTINGS = {
  /**
   * The key the connections' credentials are encrypted under (AES-256-GCM, src/domain/credential-cipher.ts). Production
   * refuses a missing, short or development value. To change it, set the old value as CHANNEL_SECRET_KEY_PREVIOUS
   * and the new one here: credentials still under the old key are read with it and re-encrypted under the new one, on
   * use and by the reencrypt-credentials job.
   */
  CHANNEL_SECRET_KEY: secretSetting('dev-channel-secret-key-change-me'),
  /** The previous CHANNEL_SECRET_KEY during its rotation; unset otherwise. */
  CHANNEL_SECRET_KEY_PREVIOUS: optionalSecretSetting(),
  /**
   * The key of the refs a pulled order's buyer is kept and published as instead of its open id
   * (platform/src/account-ref.ts); the same value as members', whose erased events name the accounts by these refs.
   */
  ACCOUNT_REF_KEY: accountRefKeySetting(),
  /** Seconds between two scheduled order pulls of a TMALL or JD connection (docs/channel-order-pulls.md). */
  CHANNEL_ORDER_SYNC_INTERVAL_SEC: z.coerce.number().int().min(10).max(86_400).default(300),
  /** Orders per page asked of TOP and JD (both answer at most 100). */
  CHANNEL_ORDER_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(100),
};

export type ChannelsSettings = SettingsOf<typeof CHANNELS_SETTINGS>;
