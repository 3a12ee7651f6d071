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

/** A guide as members knows it (a copy of the stores subgraph's facts, fed by stores.guide.changed). */
export interface GuideEntry {
  guideId: string;
  brandId: string;
  storeId: string;
  status: GuideStatus;
}
