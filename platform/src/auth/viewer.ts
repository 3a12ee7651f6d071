import { z } from 'zod';

export const ROLES = ['PLATFORM_ADMIN', 'BRAND_ADMIN', 'FRANCHISEE', 'STORE_STAFF', 'GUIDE', 'PARTNER', 'MEMBER', 'SERVICE'] as const;
export type Role = (typeof ROLES)[number];

const id = z.string().min(1).max(64).nullable().default(null);

/** The caller as the gateway authenticated it. ANONYMOUS is the caller without a token. */
export const viewerSchema = z.object({
  role: z.enum([...ROLES, 'ANONYMOUS']),
  brandId: id,
  franchiseeId: id,
  storeId: id,
  guideId: id,
  partnerBrandId: id,
  memberId: id,
  scopes: z.array(z.string().min(1).max(64)).max(64).default([]),
  /** Token subject, for audit logs. */
  subject: z.string().max(200).nullable().default(null),
});

export type Viewer = z.infer<typeof viewerSchema>;
export type ViewerRole = Viewer['role'];

export const ANONYMOUS: Viewer = Object.freeze({
  role: 'ANONYMOUS',
  brandId: null,
  franchiseeId: null,
  storeId: null,
  guideId: null,
  partnerBrandId: null,
  memberId: null,
  scopes: [],
  subject: null,
}) as Viewer;

export function makeViewer(v: Partial<Viewer> & { role: ViewerRole }): Viewer {
  return viewerSchema.parse(v);
}

export function isAuthenticated(v: Viewer): boolean {
  return v.role !== 'ANONYMOUS';
}

export function hasScope(v: Viewer, scope: string): boolean {
  return v.role === 'PLATFORM_ADMIN' || v.role === 'SERVICE' || v.scopes.includes(scope);
}

/** What each role must carry in its token, so a FRANCHISEE token without franchiseeId is refused at the gateway. */
export function missingClaims(v: Viewer): string[] {
  const need: Record<ViewerRole, (keyof Viewer)[]> = {
    ANONYMOUS: [],
    PLATFORM_ADMIN: [],
    SERVICE: [],
    BRAND_ADMIN: ['brandId'],
    FRANCHISEE: ['brandId', 'franchiseeId'],
    STORE_STAFF: ['brandId', 'storeId'],
    GUIDE: ['brandId', 'storeId', 'guideId'],
    PARTNER: ['partnerBrandId'],
    MEMBER: ['brandId', 'memberId'],
  };
  return need[v.role].filter((k) => v[k] === null);
}
