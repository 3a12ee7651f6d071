import type { TestViewer } from '@retail/platform/testing';

/** The callers the tests use; brands and operators are the stores demo data's (subgraphs/stores/src/demo/data.ts). */
export const as = {
  anonymous: { role: 'ANONYMOUS' },
  platform: { role: 'PLATFORM_ADMIN' },
  service: { role: 'SERVICE' },
  /** Administers brand-lng with the channels:admin scope: may connect its channels. */
  lngChannelsAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['channels:admin'] },
  /** Administers brand-lng without channels:admin. */
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  /** Administers brand-lng with only the channels:sync scope: may pull its Tmall and JD orders. */
  lngChannelsSync: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['channels:sync'] },
  csmChannelsAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['channels:admin'] },
  lngFranchiseeChannels: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', scopes: ['channels:admin'] },
  lngStaffChannels: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03', scopes: ['channels:admin'] },
  lngMember: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001', scopes: ['channels:admin'] },
} satisfies Record<string, TestViewer>;
