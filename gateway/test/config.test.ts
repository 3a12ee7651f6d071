// The gateway's settings: development secrets only outside production, the token lifetime limit.
import { ConfigError, DEFAULT_JWT_MAX_LIFETIME_S, DEV_INTERNAL_SECRET, DEV_JWT_SECRET, parseConfig } from '@retail/platform';
import { gatewayConfigShape } from '../src/config';

const STRONG_INTERNAL = 'f3a9c1d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const STRONG_JWT = '0e1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b';

function configError(env: NodeJS.ProcessEnv): string {
  try {
    parseConfig(gatewayConfigShape, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('parseConfig accepted the environment');
}

describe('gatewayConfigShape', () => {
  it('starts with zero configuration in development and test', () => {
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      const cfg = parseConfig(gatewayConfigShape, NODE_ENV ? { NODE_ENV } : {});
      expect(cfg.JWT_SECRET).toBe(DEV_JWT_SECRET);
      expect(cfg.INTERNAL_SECRET).toBe(DEV_INTERNAL_SECRET);
      expect(cfg.JWT_MAX_LIFETIME_S).toBe(DEFAULT_JWT_MAX_LIFETIME_S);
    }
  });

  it('refuses to start in production without secrets, on one config: line', () => {
    const message = configError({ NODE_ENV: 'production' });
    expect(message).toBe(
      'config: INTERNAL_SECRET: required in production (make one with: openssl rand -hex 32); ' +
        'JWT_SECRET: required in production unless JWT_JWKS_URL is set (make one with: openssl rand -hex 32)',
    );
    expect(message).not.toContain('\n');
  });

  it('refuses the development secrets in production, named explicitly', () => {
    const message = configError({ NODE_ENV: 'production', INTERNAL_SECRET: DEV_INTERNAL_SECRET, JWT_SECRET: DEV_JWT_SECRET });
    expect(message).toMatch(/^config: INTERNAL_SECRET: a development default is refused in production .*; JWT_SECRET: a development default is refused in production /);
    expect(message).not.toContain(DEV_JWT_SECRET);
  });

  it('refuses a JWT_SECRET shorter than 32 bytes in production', () => {
    expect(configError({ NODE_ENV: 'production', INTERNAL_SECRET: STRONG_INTERNAL, JWT_SECRET: 'a'.repeat(31) })).toBe(
      'config: JWT_SECRET: must be at least 32 bytes in production, got 31 bytes (make one with: openssl rand -hex 32)',
    );
  });

  it('starts in production with strong secrets, or with a JWKS URL instead of JWT_SECRET', () => {
    const withSecret = parseConfig(gatewayConfigShape, { NODE_ENV: 'production', INTERNAL_SECRET: STRONG_INTERNAL, JWT_SECRET: STRONG_JWT });
    expect([withSecret.INTERNAL_SECRET, withSecret.JWT_SECRET]).toEqual([STRONG_INTERNAL, STRONG_JWT]);
    const withJwks = parseConfig(gatewayConfigShape, { NODE_ENV: 'production', INTERNAL_SECRET: STRONG_INTERNAL, JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json' });
    expect(withJwks.JWT_JWKS_URL).toBe('https://idp.example/.well-known/jwks.json');
  });

  it('reads JWT_MAX_LIFETIME_S and refuses a bad one', () => {
    expect(parseConfig(gatewayConfigShape, { JWT_MAX_LIFETIME_S: '3600' }).JWT_MAX_LIFETIME_S).toBe(3600);
    expect(configError({ JWT_MAX_LIFETIME_S: 'forever' })).toMatch(/^config: JWT_MAX_LIFETIME_S: .*\(got "forever"\)$/);
    expect(configError({ JWT_MAX_LIFETIME_S: '0' })).toMatch(/^config: JWT_MAX_LIFETIME_S: /);
  });
});
