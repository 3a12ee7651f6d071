import { baseConfigShape, ConfigError, parseConfig, z } from '../src/config';

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(baseConfigShape, env);
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
      VIEWER_MAX_AGE_S: 60,
      DB_POOL_MAX: 10,
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

  it('says INTERNAL_SECRET is too short', () => {
    const err = configErrorOf({ INTERNAL_SECRET: 'short' });
    expect(err.message).toBe('config: INTERNAL_SECRET: INTERNAL_SECRET must be at least 16 characters (got "short")');
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
