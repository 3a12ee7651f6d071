import { z, type SettingsOf } from '@retail/platform/config';

/** points' own settings beside every subgraph's (docs/adding-a-subgraph.md, "settings.ts"). */
export const POINTS_SETTINGS = {
  /**
   * Velocity limit (fraud control): the most redemptions one member's account may make in any 60 seconds; the next
   * is VELOCITY_LIMIT_EXCEEDED. Counted under the account's row lock, so parallel requests cannot slip past it.
   */
  POINTS_REDEEM_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /**
   * Velocity limit of exchanges (积分异业兑换): the most exchanges one member's account may send in any 60 seconds; the
   * next is VELOCITY_LIMIT_EXCEEDED. Counted under the account's lock like redemptions.
   */
  POINTS_EXCHANGE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(5),
};

export type PointsSettings = SettingsOf<typeof POINTS_SETTINGS>;
