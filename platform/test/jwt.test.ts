import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { DEFAULT_JWT_MAX_LIFETIME_S } from '../src/config';
import { createTokenVerifier, InvalidTokenError, signDevToken } from '../src/auth/jwt';
import { DEV_JWT_SECRET } from '../src/auth/dev-defaults';

const SECRET = 'jwt-test-secret-0123456789abcdef';
const key = (secret: string) => new TextEncoder().encode(secret);
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const nowS = () => Math.floor(Date.now() / 1000);

async function rejection(p: Promise<unknown>): Promise<InvalidTokenError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InvalidTokenError) return e;
    throw e;
  }
  throw new Error('the token was accepted');
}

describe('createTokenVerifier (HS256)', () => {
  const verify = createTokenVerifier({ secret: SECRET });

  it('turns a development token into a viewer', async () => {
    const token = await signDevToken({ role: 'FRANCHISEE', brandId: 'b1', franchiseeId: 'f1', scopes: ['orders:read', 'members:read'] }, { secret: SECRET });
    await expect(verify(token)).resolves.toEqual({
      role: 'FRANCHISEE',
      brandId: 'b1',
      franchiseeId: 'f1',
      storeId: null,
      guideId: null,
      partnerBrandId: null,
      memberId: null,
      scopes: ['orders:read', 'members:read'],
      subject: 'dev:franchisee',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: 'attacker-secret-0123456789abcdef' });
    expect((await rejection(verify(forged))).message).toBe('invalid or expired token');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ role: 'PLATFORM_ADMIN', sub: 'x', exp: nowS() + 600 })}.`;
    await rejection(verify(unsigned));
  });

  it('refuses an expired token', async () => {
    const expired = await new SignJWT({ role: 'PLATFORM_ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(nowS() - 3600).setExpirationTime(nowS() - 60).sign(key(SECRET));
    expect((await rejection(verify(expired))).message).toBe('invalid or expired token');
  });

  it('refuses a token without the ids its role needs', async () => {
    const token = await new SignJWT({ role: 'FRANCHISEE', brandId: 'b1' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(key(SECRET));
    expect((await rejection(verify(token))).message).toBe('a FRANCHISEE token needs franchiseeId');
  });

  it('refuses a token without a known role', async () => {
    const noRole = await new SignJWT({ brandId: 'b1' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(key(SECRET));
    const badRole = await new SignJWT({ role: 'ANONYMOUS' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(key(SECRET));
    expect((await rejection(verify(noRole))).message).toBe('token has no valid role claim');
    expect((await rejection(verify(badRole))).message).toBe('token has no valid role claim');
  });

  it('refuses malformed claims and garbage', async () => {
    const longId = await new SignJWT({ role: 'BRAND_ADMIN', brandId: 'x'.repeat(65) }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(key(SECRET));
    expect((await rejection(verify(longId))).message).toBe('token claims are malformed');
    await rejection(verify('not.a.token'));
    await rejection(verify(''));
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createTokenVerifier({ secret: SECRET, issuer: 'retail', audience: 'graph' });
    const good = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET, issuer: 'retail', audience: 'graph' });
    const wrongAudience = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET, issuer: 'retail', audience: 'other' });
    await expect(strict(good)).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
    await rejection(strict(wrongAudience));
  });

  const hs256 = (claims: Record<string, unknown>, secret = SECRET) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key(secret));

  it('refuses a token without exp, however valid otherwise', async () => {
    const forever = await hs256({ role: 'PLATFORM_ADMIN', sub: 'u1', iat: nowS() });
    expect((await rejection(verify(forever))).message).toBe('token has no exp claim');
  });

  it('refuses a token without iat', async () => {
    const noIat = await hs256({ role: 'PLATFORM_ADMIN', sub: 'u1', exp: nowS() + 600 });
    expect((await rejection(verify(noIat))).message).toBe('token has no iat claim');
  });

  it('refuses a token whose lifetime (exp - iat) exceeds the maximum, default one day', async () => {
    const iat = nowS() - 10;
    const day = await hs256({ role: 'PLATFORM_ADMIN', iat, exp: iat + DEFAULT_JWT_MAX_LIFETIME_S });
    const dayAndASecond = await hs256({ role: 'PLATFORM_ADMIN', iat, exp: iat + DEFAULT_JWT_MAX_LIFETIME_S + 1 });
    await expect(verify(day)).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
    expect((await rejection(verify(dayAndASecond))).message).toBe('token lifetime (exp - iat) exceeds 86400 s');
    const year = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET, ttlSeconds: 365 * 24 * 3600 });
    await rejection(verify(year));
  });

  it('takes the maximum lifetime from its settings', async () => {
    const hour = createTokenVerifier({ secret: SECRET, maxLifetimeSeconds: 3600 });
    await expect(hour(await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET, ttlSeconds: 3600 }))).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
    expect((await rejection(hour(await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET, ttlSeconds: 3601 })))).message).toBe('token lifetime (exp - iat) exceeds 3600 s');
    expect(() => createTokenVerifier({ secret: SECRET, maxLifetimeSeconds: 0 })).toThrow(/max lifetime/);
  });

  it('refuses a token issued in the future (a long life hidden behind a late iat)', async () => {
    const late = await hs256({ role: 'PLATFORM_ADMIN', iat: nowS() + 30 * 24 * 3600, exp: nowS() + 30 * 24 * 3600 + 600 });
    expect((await rejection(verify(late))).message).toBe('invalid or expired token');
  });

  it('honours nbf: refused before it, within a small clock tolerance', async () => {
    const early = await hs256({ role: 'PLATFORM_ADMIN', iat: nowS(), nbf: nowS() + 60, exp: nowS() + 600 });
    expect((await rejection(verify(early))).message).toBe('invalid or expired token');
    const skewed = await hs256({ role: 'PLATFORM_ADMIN', iat: nowS(), nbf: nowS() + 2, exp: nowS() + 600 });
    await expect(verify(skewed)).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
    const reached = await hs256({ role: 'PLATFORM_ADMIN', iat: nowS() - 10, nbf: nowS() - 5, exp: nowS() + 600 });
    await expect(verify(reached)).resolves.toMatchObject({ role: 'PLATFORM_ADMIN' });
  });

  it('signs development tokens with iat and exp (12 h by default)', async () => {
    const token = await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat?: number; exp?: number };
    expect(payload.exp! - payload.iat!).toBe(12 * 3600);
    expect(Math.abs(payload.iat! - nowS())).toBeLessThanOrEqual(2);
  });

  it('needs a secret or a JWKS URL', () => {
    expect(() => createTokenVerifier({})).toThrow(/JWT_SECRET or JWT_JWKS_URL/);
  });

  it('shares the development secret with npm run token', async () => {
    const token = await signDevToken({ role: 'MEMBER', brandId: 'b1', memberId: 'm1' }, { secret: DEV_JWT_SECRET });
    await expect(createTokenVerifier({ secret: DEV_JWT_SECRET })(token)).resolves.toMatchObject({ role: 'MEMBER', memberId: 'm1' });
  });
});

describe('createTokenVerifier (JWKS)', () => {
  let server: http.Server;
  let jwksUrl: string;
  let privateKey: SigningKey;
  let otherPrivateKey: SigningKey;
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const other = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    otherPrivateKey = other.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = http.createServer((req, res) => {
      jwksRequests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const rs256 = (claims: Record<string, unknown>, signer: SigningKey, kid = 'k1') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setSubject('user-1').setIssuedAt().setExpirationTime('10m').sign(signer);

  it('verifies an RS256 token against the served key set', async () => {
    const verify = createTokenVerifier({ jwksUrl, issuer: 'https://idp.example' });
    const token = await new SignJWT({ role: 'STORE_STAFF', brandId: 'b1', storeId: 's1', scope: 'stock:write' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://idp.example')
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    await expect(verify(token)).resolves.toMatchObject({ role: 'STORE_STAFF', storeId: 's1', scopes: ['stock:write'], subject: 'user-1' });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('refuses a token signed by a key outside the set', async () => {
    const verify = createTokenVerifier({ jwksUrl });
    await rejection(verify(await rs256({ role: 'PLATFORM_ADMIN' }, otherPrivateKey)));
    await rejection(verify(await rs256({ role: 'PLATFORM_ADMIN' }, otherPrivateKey, 'unknown-kid')));
  });

  it('refuses an HS256 token in JWKS mode', async () => {
    const verify = createTokenVerifier({ jwksUrl, secret: SECRET });
    await rejection(verify(await signDevToken({ role: 'PLATFORM_ADMIN' }, { secret: SECRET })));
  });

  it('refuses a JWKS token without exp, or living longer than the maximum', async () => {
    const verify = createTokenVerifier({ jwksUrl });
    const noExp = await new SignJWT({ role: 'PLATFORM_ADMIN' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('user-1').setIssuedAt().sign(privateKey);
    expect((await rejection(verify(noExp))).message).toBe('token has no exp claim');
    const long = await new SignJWT({ role: 'PLATFORM_ADMIN' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('2d').sign(privateKey);
    expect((await rejection(verify(long))).message).toBe('token lifetime (exp - iat) exceeds 86400 s');
  });

  it('still checks the role claims', async () => {
    const verify = createTokenVerifier({ jwksUrl });
    expect((await rejection(verify(await rs256({ role: 'GUIDE', brandId: 'b1', storeId: 's1' }, privateKey)))).message).toBe('a GUIDE token needs guideId');
  });
});
