import { baseConfigShape, ConfigError, parseConfig, productionSecretProblems, secretKeys, secretSetting, z } from '../src/config';
import { DEV_INTERNAL_SECRET, DEV_JWT_SECRET, isDevelopmentSecret } from '../src/auth/dev-defaults';

function configErrorOf(env: NodeJS.ProcessEnv, shape: z.ZodRawShape = baseConfigShape): ConfigError {
  try {
    parseConfig(shape, env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('parseConfig accepted the environment');
}

describe('parseConfig', () => {
  it('fills the defaults from an empty environment', () => {
    const cfg = parseConfig(baseConfigShape, {});
    expect(cfg).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATA_DIR: '.data',
      EVENT_STREAM_PREFIX: 'events:',
      EMBEDDED_PG_PORT: 54329,
      INTERNAL_SECRET: 'dev-internal-secret-change-me',
      VIEWER_MAX_AGE_S: expect.any(Number), // its default is another change's
      DB_POOL_MAX: 10,
      SHUTDOWN_DRAIN_MS: 10000,
      DB_STATEMENT_TIMEOUT_MS: 4500,
      DB_LOCK_TIMEOUT_MS: 0,
      DB_CONNECT_TIMEOUT_MS: 2000,
    });
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(cfg.REDIS_URL).toBeUndefined();
  });

  it('coerces numeric strings and keeps URLs', () => {
    const cfg = parseConfig(baseConfigShape, {
      EMBEDDED_PG_PORT: '55000',
      DB_POOL_MAX: '4',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(cfg.EMBEDDED_PG_PORT).toBe(55000);
    expect(cfg.DB_POOL_MAX).toBe(4);
    expect(cfg.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('names a non-numeric port on one line with the value it got', () => {
    const err = configErrorOf({ EMBEDDED_PG_PORT: 'abc' });
    expect(err.message).toMatch(/^config: EMBEDDED_PG_PORT: .+\(got "abc"\)$/);
    expect(err.message).not.toContain('\n');
  });

  it('refuses a port out of range', () => {
    expect(configErrorOf({ EMBEDDED_PG_PORT: '70000' }).message).toMatch(/^config: EMBEDDED_PG_PORT: /);
  });

  it('says INTERNAL_SECRET is too short without printing it', () => {
    const err = configErrorOf({ INTERNAL_SECRET: 'short' });
    expect(err.message).toBe('config: INTERNAL_SECRET: INTERNAL_SECRET must be at least 16 characters (got 5 bytes)');
  });

  it('names a bad enum value and a bad URL', () => {
    expect(configErrorOf({ LOG_LEVEL: 'loud' }).message).toMatch(/^config: LOG_LEVEL: .*\(got "loud"\)$/);
    expect(configErrorOf({ DATABASE_URL: 'not a url' }).message).toMatch(/^config: DATABASE_URL: /);
  });

  it('lists every bad variable on the same line', () => {
    const err = configErrorOf({ EMBEDDED_PG_PORT: 'abc', DB_POOL_MAX: '0' });
    expect(err.message).toContain('EMBEDDED_PG_PORT: ');
    expect(err.message).toContain('; DB_POOL_MAX: ');
    expect(err.message).not.toContain('\n');
  });

  it('works for a service that extends the base shape', () => {
    const shape = { ...baseConfigShape, PORT: z.coerce.number().int().min(0).max(65535) };
    expect(parseConfig(shape, { PORT: '4101' }).PORT).toBe(4101);
    expect(() => parseConfig(shape, {})).toThrow(/^config: PORT: /);
  });
});

// A 64-character secret as `openssl rand -hex 32` prints it.
const STRONG = 'f3a9c1d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OTHER_STRONG = '0e1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b';

describe('secrets in production (NODE_ENV=production)', () => {
  const jwtShape = { ...baseConfigShape, JWT_SECRET: z.string().min(16).default(DEV_JWT_SECRET), JWT_JWKS_URL: z.string().url().optional() };

  it('refuses to start without INTERNAL_SECRET, on one line starting with config:', () => {
    const err = configErrorOf({ NODE_ENV: 'production' });
    expect(err.message).toBe('config: INTERNAL_SECRET: required in production (make one with: openssl rand -hex 32)');
  });

  it('refuses the development default INTERNAL_SECRET given explicitly', () => {
    expect(configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: DEV_INTERNAL_SECRET }).message).toBe(
      'config: INTERNAL_SECRET: a development default is refused in production (make one with: openssl rand -hex 32)',
    );
    expect(configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: DEV_JWT_SECRET }).message).toMatch(/^config: INTERNAL_SECRET: a development default/);
    expect(configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: `please-change-me-${STRONG}` }).message).toMatch(/^config: INTERNAL_SECRET: a development default/);
  });

  it('refuses an INTERNAL_SECRET shorter than 32 bytes and never prints it', () => {
    const secret = 'x'.repeat(31);
    const err = configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: secret });
    expect(err.message).toBe('config: INTERNAL_SECRET: must be at least 32 bytes in production, got 31 bytes (make one with: openssl rand -hex 32)');
    expect(err.message).not.toContain(secret);
    // bytes, not characters: 16 two-byte characters are 32 bytes
    expect(parseConfig(baseConfigShape, { NODE_ENV: 'production', INTERNAL_SECRET: 'é'.repeat(16) }).INTERNAL_SECRET).toBe('é'.repeat(16));
  });

  it('reports a secret once, on the same line as the other bad settings', () => {
    const err = configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: 'short', DB_POOL_MAX: '0' });
    expect(err.message).toBe('config: INTERNAL_SECRET: INTERNAL_SECRET must be at least 16 characters (got 5 bytes); DB_POOL_MAX: Too small: expected number to be >=1 (got "0")');
  });

  it('accepts a strong INTERNAL_SECRET', () => {
    expect(parseConfig(baseConfigShape, { NODE_ENV: 'production', INTERNAL_SECRET: STRONG }).INTERNAL_SECRET).toBe(STRONG);
  });

  it('keeps the development defaults for development and test', () => {
    expect(parseConfig(baseConfigShape, { NODE_ENV: 'development' }).INTERNAL_SECRET).toBe(DEV_INTERNAL_SECRET);
    expect(parseConfig(baseConfigShape, { NODE_ENV: 'test' }).INTERNAL_SECRET).toBe(DEV_INTERNAL_SECRET);
    expect(parseConfig(jwtShape, {}).JWT_SECRET).toBe(DEV_JWT_SECRET);
  });

  it('needs JWT_SECRET or JWT_JWKS_URL where the shape reads JWT_SECRET', () => {
    expect(configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: STRONG }, jwtShape).message).toBe(
      'config: JWT_SECRET: required in production unless JWT_JWKS_URL is set (make one with: openssl rand -hex 32)',
    );
    expect(configErrorOf({ NODE_ENV: 'production' }, jwtShape).message).toMatch(/^config: INTERNAL_SECRET: required in production .*; JWT_SECRET: required in production unless JWT_JWKS_URL is set/);
    expect(parseConfig(jwtShape, { NODE_ENV: 'production', INTERNAL_SECRET: STRONG, JWT_SECRET: OTHER_STRONG }).JWT_SECRET).toBe(OTHER_STRONG);
    expect(parseConfig(jwtShape, { NODE_ENV: 'production', INTERNAL_SECRET: STRONG, JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).JWT_JWKS_URL).toBe('https://idp.example/.well-known/jwks.json');
  });

  it('refuses a short or development JWT_SECRET, even next to a JWKS URL', () => {
    const base = { NODE_ENV: 'production', INTERNAL_SECRET: STRONG };
    expect(configErrorOf({ ...base, JWT_SECRET: DEV_JWT_SECRET }, jwtShape).message).toMatch(/^config: JWT_SECRET: a development default is refused in production/);
    expect(configErrorOf({ ...base, JWT_SECRET: 'y'.repeat(20) }, jwtShape).message).toMatch(/^config: JWT_SECRET: must be at least 32 bytes in production, got 20 bytes/);
    expect(configErrorOf({ ...base, JWT_SECRET: DEV_JWT_SECRET, JWT_JWKS_URL: 'https://idp.example/jwks' }, jwtShape).message).toMatch(/^config: JWT_SECRET: a development default/);
  });

  it('checks only the secrets a shape reads', () => {
    const portOnly = { NODE_ENV: baseConfigShape.NODE_ENV, PORT: z.coerce.number().int() };
    expect(parseConfig(portOnly, { NODE_ENV: 'production', PORT: '1' }).PORT).toBe(1);
    expect(productionSecretProblems(portOnly, { NODE_ENV: 'production' })).toEqual([]);
    expect(productionSecretProblems(baseConfigShape, { NODE_ENV: 'development' })).toEqual([]);
  });

  it('knows the development defaults', () => {
    expect(isDevelopmentSecret(DEV_INTERNAL_SECRET)).toBe(true);
    expect(isDevelopmentSecret(DEV_JWT_SECRET)).toBe(true);
    expect(isDevelopmentSecret(STRONG)).toBe(false);
  });
});

describe('secret settings of a service of its own (secretSetting)', () => {
  const shape = { ...baseConfigShape, DATA_KEY: secretSetting('dev-data-key-change-me-0123') };

  it('keeps its development default for development and test, and names it as a secret', () => {
    expect(parseConfig(shape, {}).DATA_KEY).toBe('dev-data-key-change-me-0123');
    expect(parseConfig(shape, { NODE_ENV: 'test' }).DATA_KEY).toBe('dev-data-key-change-me-0123');
    expect(secretKeys(shape)).toEqual(['INTERNAL_SECRET', 'DATA_KEY']);
  });

  it('is refused in production when missing, a development default or short, after INTERNAL_SECRET, never printed', () => {
    expect(configErrorOf({ NODE_ENV: 'production' }, shape).message).toBe(
      'config: INTERNAL_SECRET: required in production (make one with: openssl rand -hex 32); DATA_KEY: required in production (make one with: openssl rand -hex 32)',
    );
    expect(configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: STRONG, DATA_KEY: 'dev-data-key-change-me-0123' }, shape).message).toBe(
      'config: DATA_KEY: a development default is refused in production (make one with: openssl rand -hex 32)',
    );
    const short = 'twenty-bytes-exactly';
    const err = configErrorOf({ NODE_ENV: 'production', INTERNAL_SECRET: STRONG, DATA_KEY: short }, shape);
    expect(err.message).toBe('config: DATA_KEY: must be at least 32 bytes in production, got 20 bytes (make one with: openssl rand -hex 32)');
    expect(configErrorOf({ DATA_KEY: 'tiny' }, shape).message).toBe('config: DATA_KEY: must be at least 16 characters (got 4 bytes)');
    expect(parseConfig(shape, { NODE_ENV: 'production', INTERNAL_SECRET: STRONG, DATA_KEY: OTHER_STRONG }).DATA_KEY).toBe(OTHER_STRONG);
  });

  it('needs a development default that says change-me', () => {
    expect(() => secretSetting('a-real-looking-default-0123456789')).toThrow(/change-me/);
  });
});
