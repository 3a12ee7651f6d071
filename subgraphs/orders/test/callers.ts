import type { TestViewer } from '@retail/platform/testing';

/**
 * The callers the tests use. The ids are the demo data's: stores, operators and guides from
 * subgraphs/stores/src/demo/data.ts, members from subgraphs/members/src/demo/data.ts.
 */
export const as = {
  anonymous: { role: 'ANONYMOUS' },
  platform: { role: 'PLATFORM_ADMIN' },
  service: { role: 'SERVICE' },
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm' },
  /** Operates store-lng-03 and store-lng-04. */
  lngFranchiseeA: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' },
  /** Operates store-lng-06, store-lng-07 and store-lng-10. */
  lngFranchiseeB: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' },
  lngStaff03: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03' },
  lngStaff04: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-04' },
  /** Guides of store-lng-03; gd-lng-03-3 has LEFT. */
  lngGuide031: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' },
  lngGuide032: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-2' },
  /** Member mem-lng-0001 acting for herself. */
  lngMember1: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001' },
  lngMember2: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0002' },
  /** Member mem-lng-0007: home store store-lng-03, exclusive guide gd-lng-03-1. */
  lngMember7: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0007' },
  lngStaff07: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-07' },
  lngGuide041: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-04', guideId: 'gd-lng-04-1' },
  partner: { role: 'PARTNER', partnerBrandId: 'brand-csm' },
} satisfies Record<string, TestViewer>;
