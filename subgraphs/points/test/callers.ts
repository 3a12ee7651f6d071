import type { TestViewer } from '@retail/platform/testing';

/**
 * The callers the tests use. The ids are the demo data's: stores and operators from subgraphs/stores/src/demo/data.ts,
 * members from subgraphs/members/src/demo/data.ts (their accounts from src/demo/data.ts).
 */
export const as = {
  anonymous: { role: 'ANONYMOUS' },
  platform: { role: 'PLATFORM_ADMIN' },
  service: { role: 'SERVICE' },
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['points:adjust'], subject: 'admin-lng-zhang' },
  lngAdminNoScope: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['points:adjust'] },
  /** Operates store-lng-03 and store-lng-04. */
  lngFranchiseeA: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', scopes: ['points:adjust'] },
  /** Operates store-lng-06, store-lng-07 and store-lng-10. */
  lngFranchiseeB: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' },
  lngStaff03: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03' },
  lngStaff01: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-01' },
  lngGuide031: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' },
  /** mem-lng-0001 acting for herself (home store store-lng-01). */
  lngMember1: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001' },
  /** mem-lng-0007 (home store store-lng-03, operated by fr-lng-a). */
  lngMember7: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0007' },
  partner: { role: 'PARTNER', partnerBrandId: 'brand-csm' },
  /** 朗蜜's admin for partner agreements, their settlement and corrections. */
  lngPartnerAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['points:agreements', 'points:settlement', 'points:adjust'], subject: 'admin-lng-li' },
  /** 澄妆's admin for partner agreements, their settlement and corrections. */
  csmPartnerAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['points:agreements', 'points:settlement', 'points:adjust'], subject: 'admin-csm-wang' },
  /** Settlement staff of a partner acting for 澄妆, and of an unrelated brand. */
  csmSettlement: { role: 'PARTNER', partnerBrandId: 'brand-csm', scopes: ['points:settlement'] },
  otherSettlement: { role: 'PARTNER', partnerBrandId: 'brand-other', scopes: ['points:settlement'] },
  /** A franchisee that was (wrongly) given every points scope. */
  lngFranchiseeAllScopes: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', scopes: ['points:adjust', 'points:settlement', 'points:agreements'] },
} satisfies Record<string, TestViewer>;
