// The members subgraph's records as the repositories return them (camelCase).

export type IdentityChannel = 'TMALL' | 'JD' | 'ALIPAY' | 'WECHAT' | 'WECOM' | 'POS';
export type GuideAssignmentReason = 'JOINED_VIA' | 'ASSIGNED' | 'REASSIGNED' | 'INHERITED_ON_LEAVE';
export type GuideStatus = 'ACTIVE' | 'LEFT';

export interface TierRecord {
  code: string;
  name: string;
  rank: number;
}

/** A member of one brand, as the caller may see it (the repositories return only members inside the fence). */
export interface MemberRecord {
  id: string;
  brandId: string;
  oneId: string;
  displayName: string | null;
  /** 138****5678; the full number is never read back. */
  phoneMasked: string | null;
  tier: TierRecord;
  joinedAt: Date;
  joinChannel: IdentityChannel;
  joinStoreId: string | null;
  joinGuideId: string | null;
  homeStoreId: string | null;
  guideId: string | null;
  /** The member this one was merged into (mergeMembers); null for a member that stands. */
  mergedInto: string | null;
  /** YYYY-MM-DD; null when not given or erased. */
  birthday: string | null;
  /** When the member's personal data was erased (eraseMember): the record is an anonymous tombstone since. */
  erasedAt: Date | null;
}

/** A member as registerMember writes it. */
export interface NewMember {
  id: string;
  brandId: string;
  oneId: string;
  displayName: string | null;
  phoneCipher: string;
  phoneHash: string;
  phoneMasked: string;
  tierCode: string;
  joinChannel: IdentityChannel;
  joinStoreId: string | null;
  joinGuideId: string | null;
  /** The store credited with the join becomes the home store (归属门店). */
  homeStoreId: string | null;
  /** YYYY-MM-DD. */
  birthday: string | null;
}

/** A channel account of a member (the OneID graph). */
export interface ChannelIdentity {
  channel: IdentityChannel;
  appId: string;
  externalId: string;
  unionId: string | null;
}

export interface IdentityRecord extends ChannelIdentity {
  memberId: string;
  boundAt: Date;
}

/** One period during which a guide was the member's exclusive guide. */
export interface GuideAssignmentRecord {
  memberId: string;
  guideId: string;
  reason: GuideAssignmentReason;
  from: Date;
  to: Date | null;
}

/** A guide as members knows it (a copy of the stores subgraph's facts, fed by stores.guide.changed: repo/guide-directory.ts). */
export type { GuideEntry } from '@retail/platform';

/** A tag (标签) of a brand's members. */
export interface TagRecord {
  id: string;
  brandId: string;
  name: string;
  createdAt: Date;
}

export type TierChangeReason = 'JOINED' | 'EVALUATED' | 'RULES_CHANGED';

/** A tier with its thresholds within the brand's window (null: no such threshold; the entry tier has none). */
export interface TierThresholdRecord extends TierRecord {
  minSpendFen: number | null;
  minPointsEarned: number | null;
}

/** A brand's tier rules (会员等级规则). */
export interface TierRulesRecord {
  brandId: string;
  windowDays: number;
  /** The currency of the spend thresholds; null when no tier sets one. */
  currency: string | null;
  tiers: TierThresholdRecord[];
  updatedAt: Date;
}

/** One change of a member's tier and what the decision saw (null for JOINED). */
export interface TierChangeRecord {
  memberId: string;
  from: TierRecord | null;
  to: TierRecord;
  reason: TierChangeReason;
  at: Date;
  spendFen: number | null;
  currency: string | null;
  pointsEarned: number | null;
  windowDays: number | null;
}

/** A rate with its parts (Ratio). */
export interface RatioRecord {
  numerator: number;
  denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  rate: number | null;
}

/** Membership metrics of one store over a period (StoreMemberMetrics). */
export interface StoreMemberMetricsRecord {
  storeId: string;
  newMembers: number;
  nonMemberJoinRate: RatioRecord;
  historicalMemberOnlineRate: RatioRecord;
  dormantReactivationRate: RatioRecord;
}
