import { z } from 'zod';
import { DEV_INTERNAL_SECRET, isDevelopmentSecret } from './auth/dev-defaults';

/**
 * The database's deadlines (docs/architecture.md §3, "Deadlines"): DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS
 * and DB_CONNECT_TIMEOUT_MS. The statement timeout stays below the gateway's SUBGRAPH_TIMEOUT_MS (5000), so a
 * subgraph gives up, rolls back and says so before the gateway stops waiting.
 */
export const DB_TIMEOUT_DEFAULTS = { statementTimeoutMs: 4500, lockTimeoutMs: 0, connectTimeoutMs: 2000 } as const;

/** Longest token lifetime (exp − iat) accepted by default: one day (the gateway's JWT_MAX_LIFETIME_S). */
export const DEFAULT_JWT_MAX_LIFETIME_S = 86_400;

/** Settings every service reads. Services extend this with their own fields. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Real PostgreSQL; without it the embedded PGlite is used. */
  DATABASE_URL: z.string().url().optional(),
  /** Real Redis; without it in-memory fallbacks and the PostgreSQL event transport are used. */
  REDIS_URL: z.string().url().optional(),
  /** Where the embedded database keeps its files. */
  DATA_DIR: z.string().default('.data'),
  /** Port of the embedded database's Postgres wire protocol (pglite-socket). */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** HMAC key for the viewer header the gateway signs for subgraphs. */
  INTERNAL_SECRET: z.string().min(16, 'INTERNAL_SECRET must be at least 16 characters').default(DEV_INTERNAL_SECRET),
  /** Seconds a signed viewer header stays valid: what clock skew between gateway and subgraphs needs. */
  VIEWER_MAX_AGE_S: z.coerce.number().int().min(1).max(600).default(30),
  /** Key prefix of the Redis event streams (one stream per topic). */
  EVENT_STREAM_PREFIX: z.string().min(1).max(100).default('events:'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Longest a statement may run, and a request's whole database budget: below the gateway's SUBGRAPH_TIMEOUT_MS,
   * so a subgraph rolls back and answers SERVICE_UNAVAILABLE before the gateway gives up (nothing commits later).
   */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DB_TIMEOUT_DEFAULTS.statementTimeoutMs),
  /** Longest a statement waits for a lock (capped by the statement timeout); 0: the statement timeout alone bounds lock waits. */
  DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(DB_TIMEOUT_DEFAULTS.lockTimeoutMs),
  /** Longest a request waits for a pool connection (a free one, or a new one to be opened). */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(DB_TIMEOUT_DEFAULTS.connectTimeoutMs),
  /** On SIGTERM/SIGINT: how long requests in flight may take to finish before their connections are cut. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
};

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigShape>>;

export class ConfigError extends Error {}

/** Shortest secret accepted in production, in bytes (`openssl rand -hex 32` prints 64). */
export const MIN_PRODUCTION_SECRET_BYTES = 32;

/** Settings whose values never appear in a config error (only their length). */
const SECRET_KEYS: ReadonlySet<string> = new Set(['INTERNAL_SECRET', 'JWT_SECRET']);

const MAKE_ONE = 'make one with: openssl rand -hex 32';

/** The schemas made by secretSetting: a shape's key whose schema is one of these is a secret. */
const SECRET_SETTINGS = new WeakSet<object>();

/**
 * A secret setting of one service's own (a subgraph's data key, e.g. members' MEMBER_DATA_KEY): its development
 * default (which must say "change-me") works in development and test; with NODE_ENV=production
 * productionSecretProblems requires it, at least 32 bytes and no development default, like INTERNAL_SECRET; and a
 * config error never prints its value, only its length.
 */
export function secretSetting(developmentDefault: string) {
  if (!isDevelopmentSecret(developmentDefault)) throw new Error('a secret setting\'s development default must say "change-me"');
  const schema = z.string().min(16, 'must be at least 16 characters').default(developmentDefault);
  SECRET_SETTINGS.add(schema);
  return schema;
}

/** The schemas made by optionalSecretSetting: secrets that production checks only when they are given. */
const OPTIONAL_SECRET_SETTINGS = new WeakSet<object>();

/**
 * An optional secret setting (e.g. the previous key during a key rotation, channels' CHANNEL_SECRET_KEY_PREVIOUS):
 * unset by default, in production too; when given, production holds it to the same rule as a secretSetting (at least
 * 32 bytes, no development default), and a config error never prints its value.
 */
export function optionalSecretSetting() {
  const schema = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').optional());
  SECRET_SETTINGS.add(schema);
  OPTIONAL_SECRET_SETTINGS.add(schema);
  return schema;
}

/** The keys of a config shape that hold secrets: INTERNAL_SECRET, JWT_SECRET and every secretSetting. */
export function secretKeys(shape: z.ZodRawShape): string[] {
  return Object.keys(shape).filter((key) => SECRET_KEYS.has(key) || SECRET_SETTINGS.has(shape[key] ?? {}));
}

export interface ConfigProblem {
  key: string;
  message: string;
}

/**
 * The production rule for secrets, for any config shape: with NODE_ENV=production a shape that reads
 * INTERNAL_SECRET (or a secretSetting) needs one (no development default), and a shape that reads JWT_SECRET needs
 * one unless it verifies tokens with JWT_JWKS_URL. A given secret must be at least 32 bytes and no development
 * default. Development and test keep their built-in defaults.
 */
export function productionSecretProblems(shape: z.ZodRawShape, env: NodeJS.ProcessEnv): ConfigProblem[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: ConfigProblem[] = [];
  const check = (key: string, value: string, whenMissing: string | null) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes === 0) {
      if (whenMissing) problems.push({ key, message: `${whenMissing} (${MAKE_ONE})` });
    } else if (isDevelopmentSecret(value)) {
      problems.push({ key, message: `a development default is refused in production (${MAKE_ONE})` });
    } else if (bytes < MIN_PRODUCTION_SECRET_BYTES) {
      problems.push({ key, message: `must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production, got ${bytes} bytes (${MAKE_ONE})` });
    }
  };
  if ('INTERNAL_SECRET' in shape) check('INTERNAL_SECRET', env.INTERNAL_SECRET ?? '', 'required in production');
  if ('JWT_SECRET' in shape) {
    const jwks = 'JWT_JWKS_URL' in shape && !!env.JWT_JWKS_URL;
    check('JWT_SECRET', env.JWT_SECRET ?? '', jwks ? null : 'required in production unless JWT_JWKS_URL is set');
  }
  for (const key of secretKeys(shape)) if (!SECRET_KEYS.has(key)) check(key, env[key] ?? '', OPTIONAL_SECRET_SETTINGS.has(shape[key] ?? {}) ? null : 'required in production');
  return problems;
}

/**
 * Parses the environment with zod. A wrong or missing value becomes one clear line:
 * `config: PORT: expected a number (got "abc")`. With NODE_ENV=production the secrets must also pass
 * productionSecretProblems. A secret's value is never printed, only its length.
 */
export function parseConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const schema = z.object(shape);
  const result = schema.safeParse(env);
  const secrets = new Set(secretKeys(shape));
  const parts: string[] = [];
  const badKeys = new Set<string>();
  if (!result.success) {
    for (const i of result.error.issues) {
      const key = i.path.join('.');
      badKeys.add(key);
      const got = env[key];
      const shown = got === undefined ? '' : secrets.has(key) ? ` (got ${Buffer.byteLength(got, 'utf8')} bytes)` : ` (got ${JSON.stringify(got)})`;
      parts.push(`${key}: ${i.message}${shown}`);
    }
  }
  for (const p of productionSecretProblems(shape, env)) if (!badKeys.has(p.key)) parts.push(`${p.key}: ${p.message}`);
  if (result.success && parts.length === 0) return result.data;
  throw new ConfigError(`config: ${parts.join('; ')}`);
}

/** For a service's main(): on a config error print the one line and exit 1. */
export function loadConfigOrExit<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  try {
    return parseConfig(shape, env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** An optional port setting: unset or empty is undefined. */
const optionalPort = z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(65535).optional());

export const subgraphConfigShape = {
  ...baseConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Loopback unless told otherwise; the Docker image sets HOST=0.0.0.0. */
  HOST: z.string().default('127.0.0.1'),
  /** A port of its own for /metrics (on HOST); without it /metrics is on the service port, loopback callers only. */
  METRICS_PORT: optionalPort,
};

/** The zod shape of a subgraph's own settings (SubgraphDefinition.settings), e.g. `{ MEMBER_DATA_KEY: secretSetting(…) }`. */
export type SettingsShape = z.ZodRawShape;
/** The values of a subgraph's own settings, read from the environment. */
export type SettingsOf<S extends SettingsShape> = z.infer<z.ZodObject<S>>;

export { z };
