// Demo data of the points subgraph (the demo story: README, "Run it"): the two brands' earning rules and points
// accounts of several demo members (ids from the members subgraph's demo, '@retail/members/demo'), with lots that
// lapse soon, older lots, redemptions and points still pending. The ledger is seeded through the ledger's own
// functions, so its invariants hold; dates are relative to when it is seeded (lots "expiring soon" stay soon).
import { DEMO_MEMBERS, DEMO_SHARED_PEOPLE } from '@retail/members/demo';
import type { EarningRule } from '../model';
import type { SeedAgreement } from '../repo/agreements';

export const DEMO_EARNING_RULES: readonly EarningRule[] = [
  // 朗蜜: 1 point per yuan; silver 1.2×, gold 1.5×; points lapse at the end of the 12th month; 7 days' return window.
  { brandId: 'brand-lng', pointsPerYuan: 1, tierMultipliers: { SILVER: 1200, GOLD: 1500 }, expiryMonths: 12, holdingDays: 7, timeZone: 'Asia/Shanghai' },
  // 澄妆: 2 points per yuan; up to 2× for black card; 24 months; 14 days' return window.
  { brandId: 'brand-csm', pointsPerYuan: 2, tierMultipliers: { SILVER: 1100, GOLD: 1250, BLACK: 2000 }, expiryMonths: 24, holdingDays: 14, timeZone: 'Asia/Shanghai' },
];

/** One credit of a demo account: days from the seeding until it lapses and until it is spendable (0: at once). */
export interface DemoLot {
  points: number;
  reason: string;
  lapsesInDays: number;
  availableInDays: number;
}

export interface DemoAccount {
  /** Deterministic: pa-<member id>. */
  id: string;
  memberId: string;
  brandId: string;
  /** The member's home store (members' demo: the store it joined at). */
  homeStoreId: string | null;
  lots: DemoLot[];
  /** Spent after the credits, FIFO. */
  redeemed: number;
}

/** The first eight members of each brand have points. */
const HOLDERS = ['brand-lng', 'brand-csm'].flatMap((b) => DEMO_MEMBERS.filter((m) => m.brandId === b).slice(0, 8));

export const DEMO_ACCOUNTS: readonly DemoAccount[] = HOLDERS.map((m, i) => ({
  id: `pa-${m.id}`,
  memberId: m.id,
  brandId: m.brandId,
  homeStoreId: m.joinStoreId,
  lots: [
    { points: 200 + 10 * i, reason: 'points of a purchase last year', lapsesInDays: 5 + 3 * i, availableInDays: 0 },
    { points: 500 + 50 * i, reason: 'points of a purchase this spring', lapsesInDays: 300 + i, availableInDays: 0 },
    ...(i % 3 === 0 ? [{ points: 80 + i, reason: 'points of an order inside its return window', lapsesInDays: 360, availableInDays: 5 }] : []),
  ],
  redeemed: i % 2 === 0 ? 120 : 0,
}));

/**
 * 异业合作 of the demo: 朗蜜 points become 澄妆 points (10:8, at least 100 per exchange, 5 000 a day per person, 澄妆 is
 * paid 0.02 CNY per point it credits), proposed by 朗蜜, accepted by 澄妆, active; and the reverse direction, proposed by
 * 澄妆 and still awaiting 朗蜜's acceptance.
 */
export const DEMO_AGREEMENTS: readonly SeedAgreement[] = [
  {
    id: 'agr-lng-csm',
    fromBrandId: 'brand-lng',
    toBrandId: 'brand-csm',
    rateFrom: 10,
    rateTo: 8,
    minPoints: 100,
    dailyLimitPerMember: 5_000,
    pricePerPointFen: 2,
    currency: 'CNY',
    validFrom: '2024-01-01T00:00:00+08:00',
    validTo: null,
    proposedByBrandId: 'brand-lng',
    proposedBy: 'demo',
    accepted: true,
    active: true,
  },
  {
    id: 'agr-csm-lng',
    fromBrandId: 'brand-csm',
    toBrandId: 'brand-lng',
    rateFrom: 2,
    rateTo: 1,
    minPoints: 200,
    dailyLimitPerMember: 4_000,
    pricePerPointFen: 3,
    currency: 'CNY',
    validFrom: '2024-01-01T00:00:00+08:00',
    validTo: null,
    proposedByBrandId: 'brand-csm',
    proposedBy: 'demo',
    accepted: false,
    active: false,
  },
];

/** One person's two memberships (the same OneID at members: one person, one phone). */
export interface DemoPerson {
  person: number;
  lngMemberId: string;
  csmMemberId: string;
}

/** Everybody who is a member of both brands (members' DEMO_SHARED_PEOPLE), with both member ids. */
export const DEMO_PEOPLE_IN_BOTH: readonly DemoPerson[] = DEMO_SHARED_PEOPLE.flatMap((person) => {
  const lng = DEMO_MEMBERS.find((m) => m.person === person && m.brandId === 'brand-lng');
  const csm = DEMO_MEMBERS.find((m) => m.person === person && m.brandId === 'brand-csm');
  return lng && csm ? [{ person, lngMemberId: lng.id, csmMemberId: csm.id }] : [];
});

/** A demo exchange in last month (a closed settlement period): the day of the month, Shanghai 11:00; reversed on reversedOnDay. */
export interface DemoExchange {
  day: number;
  fromPoints: number;
  reversedOnDay?: number;
}

/**
 * Six people of both brands who exchanged last month under agr-lng-csm (not among the accounts above, so their
 * ledgers run in date order): a 朗蜜 credit 40 days before last month, then their exchanges; one was reversed.
 */
export const DEMO_EXCHANGERS: readonly (DemoPerson & { credit: number; exchanges: DemoExchange[] })[] = DEMO_PEOPLE_IN_BOTH.filter((p) => p.person >= 150)
  .slice(0, 6)
  .map((p, k) => ({
    ...p,
    credit: 2_000 + 100 * k,
    exchanges: [
      { day: 3 + k, fromPoints: 500 + 100 * k },
      ...(k % 2 === 0 ? [{ day: 12 + k, fromPoints: 300, ...(k === 2 ? { reversedOnDay: 25 } : {}) }] : []),
    ],
  }));
