import { SignJWT, jwtVerify, createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { DEFAULT_JWT_MAX_LIFETIME_S } from '../config';
import { ROLES, makeViewer, missingClaims, type Role, type Viewer } from './viewer';

export interface JwtSettings {
  /** HS256 secret (development). */
  secret?: string | undefined;
  /** RS256/ES256 keys (production). */
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Longest lifetime (exp − iat) accepted, in seconds; default DEFAULT_JWT_MAX_LIFETIME_S (gateway: JWT_MAX_LIFETIME_S). */
  maxLifetimeSeconds?: number | undefined;
}

/** Clock skew tolerated on exp, nbf and iat, in seconds. */
export const JWT_CLOCK_TOLERANCE_S = 5;

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

/** Claims every token must carry: a token without an expiry would be valid forever. */
const REQUIRED_CLAIMS = ['exp', 'iat'];

/**
 * Verifies a bearer token: signature (HS256 with the secret, or RS256/ES256 from the JWKS), `exp` and `iat`
 * present, not expired, `nbf` reached, `iat` not in the future, lifetime (exp − iat) at most
 * maxLifetimeSeconds, issuer and audience when configured, then the role claims. Any failure is an
 * InvalidTokenError, which the gateway answers with 401 UNAUTHENTICATED.
 */
export function createTokenVerifier(s: JwtSettings): TokenVerifier {
  const maxLifetime = s.maxLifetimeSeconds ?? DEFAULT_JWT_MAX_LIFETIME_S;
  if (!Number.isInteger(maxLifetime) || maxLifetime < 1) throw new Error(`the JWT max lifetime must be a positive number of seconds (got ${maxLifetime})`);
  const options: JWTVerifyOptions = {
    issuer: s.issuer,
    audience: s.audience,
    clockTolerance: JWT_CLOCK_TOLERANCE_S,
    requiredClaims: REQUIRED_CLAIMS,
    // refuses an iat older than the lifetime allows, and an iat in the future
    maxTokenAge: maxLifetime,
  };
  const checked = (payload: JWTPayload): Viewer => {
    const { exp, iat } = payload;
    if (typeof exp !== 'number' || typeof iat !== 'number') throw new InvalidTokenError('token must carry exp and iat');
    if (exp - iat > maxLifetime) throw new InvalidTokenError(`token lifetime (exp - iat) exceeds ${maxLifetime} s`);
    return viewerFromClaims(payload);
  };
  const refusal = (e: unknown): InvalidTokenError => {
    if (e instanceof InvalidTokenError) return e;
    if (e instanceof errors.JWTClaimValidationFailed && e.reason === 'missing') return new InvalidTokenError(`token has no ${e.claim} claim`);
    return new InvalidTokenError('invalid or expired token');
  };
  if (s.jwksUrl) {
    const jwks = createRemoteJWKSet(new URL(s.jwksUrl));
    return async (token) => {
      try {
        const { payload } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256'] });
        return checked(payload);
      } catch (e) {
        throw refusal(e);
      }
    };
  }
  if (!s.secret) throw new Error('JWT_SECRET or JWT_JWKS_URL is required');
  const key = new TextEncoder().encode(s.secret);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, { ...options, algorithms: ['HS256'] });
      return checked(payload);
    } catch (e) {
      throw refusal(e);
    }
  };
}

/** A development token (HS256), as `npm run token` prints: always with iat and exp (default lifetime 12 h). */
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
