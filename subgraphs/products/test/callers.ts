import type { TestViewer } from '@retail/platform/testing';

/** The callers the tests use (the ids are the demo data's: subgraphs/stores/src/demo/data.ts). */
export const as = {
  anonymous: { role: 'ANONYMOUS' },
  platform: { role: 'PLATFORM_ADMIN' },
  service: { role: 'SERVICE' },
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['catalog:admin'] },
  lngAdminWithoutScope: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['catalog:admin'] },
  /** Operates store-lng-03 and store-lng-04. */
  lngFranchiseeA: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' },
  lngFranchiseeB: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' },
  lngStaff01: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-01' },
  lngGuide01: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-01', guideId: 'guide-lng-01-01' },
  lngMember: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-1' },
} satisfies Record<string, TestViewer>;
