import { z } from 'zod';

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
  INTERNAL_SECRET: z.string().min(16, 'INTERNAL_SECRET must be at least 16 characters').default('dev-internal-secret-change-me'),
  /** Seconds a signed viewer header stays valid. */
  VIEWER_MAX_AGE_S: z.coerce.number().int().min(1).max(600).default(60),
  /** Key prefix of the Redis event streams (one stream per topic). */
  EVENT_STREAM_PREFIX: z.string().min(1).max(100).default('events:'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigShape>>;

export class ConfigError extends Error {}

/**
 * Parses the environment with zod. A wrong or missing value becomes one clear line:
 * `config: PORT: expected a number (got "abc")`.
 */
export function parseConfig<S extends z.ZodRawShape>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const schema = z.object(shape);
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const parts = result.error.issues.map((i) => {
    const key = i.path.join('.');
    const got = env[key];
    return `${key}: ${i.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
  });
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

export { z };
