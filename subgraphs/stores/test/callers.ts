import type { TestViewer } from '@retail/platform/testing';

export type As = TestViewer;

/** Well-known callers over the demo data. */
export const CALLERS = {
  platform: { role: 'PLATFORM_ADMIN' },
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] },
  lngAdminNoScope: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['stores:admin'] },
  lngA: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' },
  lngB: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' },
  staff03: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03' },
  guide03: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' },
  member: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mb-1' },
  partner: { role: 'PARTNER', partnerBrandId: 'brand-csm' },
  anonymous: { role: 'ANONYMOUS' },
} satisfies Record<string, As>;
