import type { TestViewer } from '@retail/platform/testing';

/**
 * The callers the tests use. The ids are the demo data's: stores, operators and guides from
 * subgraphs/stores/src/demo/data.ts, members from src/demo/data.ts.
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
  /** Guides of store-lng-03; gd-lng-03-3 has LEFT. */
  lngGuide031: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' },
  lngGuide032: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-2' },
  lngGuide033Left: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-3' },
  /** Member mem-lng-0001 acting for herself. */
  lngMember1: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001' },
  partner: { role: 'PARTNER', partnerBrandId: 'brand-csm' },
  /** Callers holding the members:merge scope (mergeMembers needs it, and a brand admin or the platform besides). */
  lngAdminMerger: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['members:merge'] },
  csmAdminMerger: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['members:merge'] },
  lngFranchiseeAMerger: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', scopes: ['members:merge'] },
  lngGuide031Merger: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1', scopes: ['members:merge'] },
} satisfies Record<string, TestViewer>;
