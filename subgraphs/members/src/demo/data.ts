// Demo data of the members subgraph (the demo story: README, "Run it"): the two brands' tiers and about a hundred
// members, some of them the same person in both brands (one OneID), with their channel accounts, home stores and
// guides. Store and guide ids are owned by the stores subgraph (its demo data, imported through
// '@retail/stores/demo'); members keeps only directories of them. Everything is deterministic: the same ids, phone
// numbers and dates on every run (only the ciphertexts differ, by their random IVs).
import { DEMO_GUIDES, DEMO_STORES, type DemoGuide } from '@retail/stores/demo';

export type DemoChannel = 'TMALL' | 'JD' | 'ALIPAY' | 'WECHAT' | 'WECOM' | 'POS';

export interface DemoTier {
  brandId: string;
  code: string;
  name: string;
  rank: number;
}

export interface DemoIdentity {
  memberId: string;
  channel: DemoChannel;
  appId: string;
  externalId: string;
  unionId: string | null;
  /** ISO 8601. */
  boundAt: string;
}

export interface DemoGuideAssignment {
  memberId: string;
  guideId: string;
  reason: 'JOINED_VIA' | 'INHERITED_ON_LEAVE';
  from: string;
  to: string | null;
}

export interface DemoMember {
  id: string;
  brandId: string;
  /** The person (one per phone number): members of both brands with the same person share their OneID. */
  person: number;
  displayName: string | null;
  /** The normalized mobile number, in clear only here (the seed stores it encrypted). */
  phone: string;
  tierCode: string;
  joinChannel: DemoChannel;
  joinStoreId: string | null;
  joinGuideId: string | null;
  /** The current exclusive guide (after an inheritance, the heir). */
  guideId: string | null;
  guideBoundAt: string | null;
  /** ISO 8601; members are listed newest first. */
  joinedAt: string;
}

export const DEMO_TIERS: readonly DemoTier[] = [
  { brandId: 'brand-lng', code: 'MEMBER', name: '朗蜜会员', rank: 0 },
  { brandId: 'brand-lng', code: 'SILVER', name: '银卡会员', rank: 1 },
  { brandId: 'brand-lng', code: 'GOLD', name: '金卡会员', rank: 2 },
  { brandId: 'brand-csm', code: 'MEMBER', name: '澄妆会员', rank: 0 },
  { brandId: 'brand-csm', code: 'SILVER', name: '银卡会员', rank: 1 },
  { brandId: 'brand-csm', code: 'GOLD', name: '金卡会员', rank: 2 },
  { brandId: 'brand-csm', code: 'BLACK', name: '黑卡会员', rank: 3 },
];

/** The brands' channel apps (the appId of each channel account). */
export const DEMO_APPS: Readonly<Record<string, Record<DemoChannel, string>>> = {
  'brand-lng': { WECHAT: 'wx5f3a1c9e2b7d4a01', TMALL: 'tm-seller-2200781234', JD: 'jd-shop-1000456', ALIPAY: '2021004100000001', WECOM: 'ww1a2b3c4d5e6f7a80', POS: 'pos-lng' },
  'brand-csm': { WECHAT: 'wx8c2e6b4d1f9a7c03', TMALL: 'tm-seller-2200785678', JD: 'jd-shop-1000789', ALIPAY: '2021004100000002', WECOM: 'ww9f8e7d6c5b4a3b21', POS: 'pos-csm' },
};

const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '林', '郭', '何', '高', '罗'];
const GIVEN_NAMES = ['晓梅', '雨欣', '婷婷', '佳琪', '思雨', '静', '丽娜', '雅琳', '可欣', '梦瑶', '欣怡', '诗涵', '若楠'];
const MOBILE_PREFIXES = ['138', '139', '186', '158', '177', '135', '150', '189'];

/** Person n's mobile number: distinct for every person. */
const phoneOf = (person: number) => `${MOBILE_PREFIXES[person % MOBILE_PREFIXES.length]}${String((person * 7919 + 12345678) % 100_000_000).padStart(8, '0')}`;
const nameOf = (person: number) => (person % 11 === 0 ? null : `${SURNAMES[(person * 7 + Math.floor(person / 10) * 3) % SURNAMES.length]}${GIVEN_NAMES[(person * 5) % GIVEN_NAMES.length]}`);
/** The person's WeChat unionId: one per person across the group's apps (they share one WeChat open platform account). */
const unionIdOf = (person: number) => `oU${(0x5a17c3 + person * 104729).toString(16)}`;

/** How members joined, in turn: mostly WeChat and in-store, some on the marketplaces. */
const CHANNELS: readonly DemoChannel[] = ['WECHAT', 'WECOM', 'TMALL', 'POS', 'WECHAT', 'JD', 'WECOM', 'ALIPAY'];
const ONLINE: ReadonlySet<DemoChannel> = new Set(['TMALL', 'JD', 'ALIPAY']);

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function externalId(channel: DemoChannel, brandId: string, person: number): string {
  const n = String(person).padStart(4, '0');
  const b = brandId === 'brand-lng' ? 'LNG' : 'CSM';
  switch (channel) {
    case 'WECHAT':
      return `o${b}${(0x3c9e1 + person * 7727).toString(16)}`;
    case 'WECOM':
      return `wm${b}${(0x1b7 + person * 613).toString(16)}`;
    case 'TMALL':
      return `AAH${b}${n}x9Q`;
    case 'JD':
      return `jd_${b.toLowerCase()}_${n}`;
    case 'ALIPAY':
      return `2088${String(100_000_000_000 + person * 7_919).slice(-12)}`;
    case 'POS':
      return `${b}${String(80_000_000 + person * 31).padStart(8, '0')}`;
  }
}

const OPEN_STORES = (brandId: string) => DEMO_STORES.filter((s) => s.brandId === brandId && s.status === 'OPEN');
const at = (s: string) => Date.parse(s);

/** A guide of the store who worked there on the day: by turn among them. */
function guideAt(storeId: string, joined: number, turn: number): DemoGuide | undefined {
  const working = DEMO_GUIDES.filter((g) => g.storeId === storeId && at(g.joinedAt) <= joined && (g.leftAt === null || at(g.leftAt) > joined));
  return working[turn % Math.max(1, working.length)];
}

/** Guides who LEFT whose customers nobody has inherited yet: they stay bound, awaiting handover (Store.guidesAwaitingHandover). */
export const DEMO_AWAITING_HANDOVER: ReadonlySet<string> = new Set(['gd-lng-03-3']);

/** The store's longest-serving ACTIVE guide: the heir of a guide who left (离职继承). */
const heirAt = (storeId: string) => DEMO_GUIDES.filter((g) => g.storeId === storeId && g.status === 'ACTIVE').sort((a, b) => at(a.joinedAt) - at(b.joinedAt))[0];

interface Built {
  members: DemoMember[];
  identities: DemoIdentity[];
  assignments: DemoGuideAssignment[];
}

/** The members of one brand, `people` in order: member n is person people[n-1]. */
function brandMembers(brandId: string, code: string, people: readonly number[], firstDay: string): Built {
  const stores = OPEN_STORES(brandId);
  const out: Built = { members: [], identities: [], assignments: [] };
  people.forEach((person, i) => {
    const id = `mem-${code}-${String(i + 1).padStart(4, '0')}`;
    const channel = CHANNELS[i % CHANNELS.length]!;
    const joined = at(firstDay) + i * 6 * DAY_MS + ((i * 37) % 10) * 3_600_000;
    const store = ONLINE.has(channel) ? null : stores[(i * 7) % stores.length]!;
    // In-store joins through WeCom always come from a guide; WeChat every other time; POS at the till, without one.
    const viaGuide = store !== null && (channel === 'WECOM' || (channel === 'WECHAT' && i % 2 === 0));
    const joinGuide = viaGuide && store ? guideAt(store.id, joined, i) : undefined;
    let guideId = joinGuide?.id ?? null;
    let guideBoundAt = joinGuide ? iso(joined) : null;
    if (joinGuide) {
      const left = joinGuide.leftAt && !DEMO_AWAITING_HANDOVER.has(joinGuide.id) ? at(joinGuide.leftAt) : null;
      out.assignments.push({ memberId: id, guideId: joinGuide.id, reason: 'JOINED_VIA', from: iso(joined), to: left === null ? null : iso(left) });
      const heir = left === null ? undefined : heirAt(joinGuide.storeId);
      if (left !== null && heir) {
        out.assignments.push({ memberId: id, guideId: heir.id, reason: 'INHERITED_ON_LEAVE', from: iso(left), to: null });
        guideId = heir.id;
        guideBoundAt = iso(left);
      } else if (left !== null) {
        guideId = null;
        guideBoundAt = null;
      }
    }
    out.members.push({
      id,
      brandId,
      person,
      displayName: nameOf(person),
      phone: phoneOf(person),
      tierCode: i % 10 === 9 ? 'GOLD' : i % 10 >= 7 ? 'SILVER' : 'MEMBER',
      joinChannel: channel,
      joinStoreId: store?.id ?? null,
      joinGuideId: joinGuide?.id ?? null,
      guideId,
      guideBoundAt,
      joinedAt: iso(joined),
    });
    const apps = DEMO_APPS[brandId]!;
    out.identities.push({ memberId: id, channel, appId: apps[channel], externalId: externalId(channel, brandId, person), unionId: channel === 'WECHAT' ? unionIdOf(person) : null, boundAt: iso(joined) });
    // Every fourth WeChat member also bound their Tmall account later.
    if (channel === 'WECHAT' && i % 8 === 0) {
      out.identities.push({ memberId: id, channel: 'TMALL', appId: apps.TMALL, externalId: externalId('TMALL', brandId, person), unionId: null, boundAt: iso(joined + 45 * DAY_MS) });
    }
  });
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * People 1–16 and 150–200 are members of both brands (the same phone, hence one OneID: the points exchange needs
 * them); 17–64 and 89–149 of Lumière only, 65–88 and 201–260 of Céleste only. Later people join later, so the
 * first members keep their stores, guides and channels as the data grows.
 */
export const DEMO_SHARED_PEOPLE: readonly number[] = [...range(1, 16), ...range(150, 200)];

const lng = brandMembers('brand-lng', 'lng', [...range(1, 64), ...range(89, 200)], '2023-02-01T02:00:00Z');
const csm = brandMembers('brand-csm', 'csm', [...range(1, 16).reverse(), ...range(65, 88), ...range(150, 200), ...range(201, 260)], '2023-03-15T03:00:00Z');

export const DEMO_MEMBERS: readonly DemoMember[] = [...lng.members, ...csm.members];
export const DEMO_IDENTITIES: readonly DemoIdentity[] = [...lng.identities, ...csm.identities];
export const DEMO_GUIDE_ASSIGNMENTS: readonly DemoGuideAssignment[] = [...lng.assignments, ...csm.assignments];

/** The brands' tier rules (会员等级规则): a year's net spend, and for Céleste's upper tiers points earned too. */
export const DEMO_TIER_RULES: readonly { brandId: string; windowDays: number; currency: string | null }[] = [
  { brandId: 'brand-lng', windowDays: 365, currency: 'CNY' },
  { brandId: 'brand-csm', windowDays: 365, currency: 'CNY' },
];

/** Each tier's thresholds (fen, points); the entry tiers have none. */
export const DEMO_TIER_THRESHOLDS: readonly { brandId: string; code: string; minSpendFen: number | null; minPointsEarned: number | null }[] = [
  { brandId: 'brand-lng', code: 'SILVER', minSpendFen: 200_000, minPointsEarned: null },
  { brandId: 'brand-lng', code: 'GOLD', minSpendFen: 800_000, minPointsEarned: null },
  { brandId: 'brand-csm', code: 'SILVER', minSpendFen: 150_000, minPointsEarned: null },
  { brandId: 'brand-csm', code: 'GOLD', minSpendFen: 500_000, minPointsEarned: 5_000 },
  { brandId: 'brand-csm', code: 'BLACK', minSpendFen: 2_000_000, minPointsEarned: 20_000 },
];

export interface DemoTag {
  id: string;
  brandId: string;
  name: string;
  /** ISO 8601. */
  createdAt: string;
}

/** Each brand's tags (标签); `share` is how many of every 10 of the brand's members carry one (高净值: the GOLD members). */
const TAG_NAMES: Readonly<Record<string, readonly { key: string; name: string; share: number }[]>> = {
  'brand-lng': [
    { key: 'hnw', name: '高净值', share: 0 },
    { key: 'pregnant', name: '孕期', share: 1 },
    { key: 'night-owl', name: '夜猫子', share: 3 },
    { key: 'livestream', name: '直播间来的', share: 2 },
    { key: 'commuter', name: '通勤族', share: 4 },
    { key: 'sporty', name: '运动达人', share: 2 },
  ],
  'brand-csm': [
    { key: 'hnw', name: '高净值', share: 0 },
    { key: 'sensitive-skin', name: '敏感肌', share: 3 },
    { key: 'pregnant', name: '孕期', share: 1 },
    { key: 'oily-skin', name: '油皮', share: 3 },
    { key: 'livestream', name: '直播间来的', share: 2 },
    { key: 'samples', name: '小样党', share: 2 },
    { key: 'night-owl', name: '夜猫子', share: 3 },
  ],
};

const brandCode = (brandId: string) => brandId.replace('brand-', '');

export const DEMO_TAGS: readonly DemoTag[] = Object.entries(TAG_NAMES).flatMap(([brandId, tags]) =>
  tags.map((t, k) => ({ id: `tag-${brandCode(brandId)}-${t.key}`, brandId, name: t.name, createdAt: iso(at('2023-06-01T02:00:00Z') + k * 3_600_000) })),
);

/** Which demo member carries which tag: deterministic, about share/10 of each brand's members per tag. */
export const DEMO_MEMBER_TAGS: readonly { memberId: string; tagId: string }[] = DEMO_MEMBERS.flatMap((m, n) =>
  TAG_NAMES[m.brandId]!.flatMap((t, k) => {
    const carries = t.share === 0 ? m.tierCode === 'GOLD' : ((n + 1) * (k + 3) * 37 + (n + 1) * 11 + k * 7) % 97 % 10 < t.share;
    return carries ? [{ memberId: m.id, tagId: `tag-${brandCode(m.brandId)}-${t.key}` }] : [];
  }),
);

/** members' directory of the demo stores and guides (as stores' events would fill it). */
export const DEMO_MEMBER_STORES = DEMO_STORES.map((s) => ({ storeId: s.id, brandId: s.brandId, franchiseeId: s.franchiseeId, status: s.status }));
export const DEMO_MEMBER_GUIDES = DEMO_GUIDES.map((g) => ({ guideId: g.id, brandId: g.brandId, storeId: g.storeId, status: g.status, leftAt: g.leftAt }));

/** When the demo directories say the demo stores and guides last changed: any real stores.store.changed or stores.guide.changed event is newer. */
export const DEMO_DIRECTORY_AS_OF = '2024-01-01T00:00:00Z';
