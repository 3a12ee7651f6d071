import { SignJWT, jwtVerify, createRemoteJWKSet, type JWTPayload } from 'jose';
import { ROLES, makeViewer, missingClaims, type Role, type Viewer } from './viewer';

export interface JwtSettings {
  /** HS256 secret (development). */
  secret?: string | undefined;
  /** RS256/ES256 keys (production). */
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export class InvalidTokenError extends Error {}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Claims → Viewer. Custom claims: role, brandId, franchiseeId, storeId, guideId, partnerBrandId, memberId, scope ("a b"). */
export function viewerFromClaims(p: JWTPayload): Viewer {
  const role = p.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new InvalidTokenError('token has no valid role claim');
  const scope = p.scope ?? p.scopes;
  const scopes = Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  let viewer: Viewer;
  try {
    viewer = makeViewer({
      role: role as Role,
      brandId: str(p.brandId),
      franchiseeId: str(p.franchiseeId),
      storeId: str(p.storeId),
      guideId: str(p.guideId),
      partnerBrandId: str(p.partnerBrandId),
      memberId: str(p.memberId),
      scopes,
      subject: str(p.sub),
    });
  } catch {
    throw new InvalidTokenError('token claims are malformed');
  }
  const missing = missingClaims(viewer);
  if (missing.length) throw new InvalidTokenError(`a ${viewer.role} token needs ${missing.join(', ')}`);
  return viewer;
}

export type TokenVerifier = (token: string) => Promise<Viewer>;

export function createTokenVerifier(s: JwtSettings): TokenVerifier {
  const options = { issuer: s.issuer, audience: s.audience, clockTolerance: 5 };
  if (s.jwksUrl) {
    const jwks = createRemoteJWKSet(new URL(s.jwksUrl));
    return async (token) => {
      try {
        const { payload } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] });
        return viewerFromClaims(payload);
      } catch (e) {
        throw e instanceof InvalidTokenError ? e : new InvalidTokenError('invalid or expired token');
      }
    };
  }
  if (!s.secret) throw new Error('JWT_SECRET or JWT_JWKS_URL is required');
  const key = new TextEncoder().encode(s.secret);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, { ...options, algorithms: ['HS256'] });
      return viewerFromClaims(payload);
    } catch (e) {
      throw e instanceof InvalidTokenError ? e : new InvalidTokenError('invalid or expired token');
    }
  };
}

/** A development token (HS256), as `npm run token` prints. */
export async function signDevToken(v: Partial<Viewer> & { role: Role }, s: { secret: string; issuer?: string; audience?: string; ttlSeconds?: number }): Promise<string> {
  const claims: Record<string, unknown> = { role: v.role };
  for (const k of ['brandId', 'franchiseeId', 'storeId', 'guideId', 'partnerBrandId', 'memberId'] as const) if (v[k]) claims[k] = v[k];
  if (v.scopes?.length) claims.scope = v.scopes.join(' ');
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(v.subject ?? `dev:${v.role.toLowerCase()}`)
    .setIssuedAt()
    .setExpirationTime(`${s.ttlSeconds ?? 12 * 3600}s`);
  if (s.issuer) jwt = jwt.setIssuer(s.issuer);
  if (s.audience) jwt = jwt.setAudience(s.audience);
  return jwt.sign(new TextEncoder().encode(s.secret));
}
