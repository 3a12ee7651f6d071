import { baseConfigShape, DEFAULT_JWT_MAX_LIFETIME_S, DEV_JWT_SECRET, subgraphConfigShape, z } from '@retail/platform/config';

export const gatewayConfigShape = {
  ...baseConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  /** /metrics on a port of its own (open to whoever reaches it); unset: on the service port, loopback callers only. */
  METRICS_PORT: subgraphConfigShape.METRICS_PORT,
  /**
   * HS256 secret of the tokens. The development default only outside production: with NODE_ENV=production
   * parseConfig needs JWT_JWKS_URL or a JWT_SECRET of 32 bytes or more (productionSecretProblems).
   */
  JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters').default(DEV_JWT_SECRET),
  /** RS256/ES256 tokens verified against this key set (takes precedence over JWT_SECRET). */
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /** Longest token lifetime (exp − iat) accepted, in seconds; tokens must carry exp and iat. */
  JWT_MAX_LIFETIME_S: z.coerce.number().int().min(1).max(31 * 24 * 3600).default(DEFAULT_JWT_MAX_LIFETIME_S),
  /**
   * Deadline of one subgraph call; a slower subgraph gives partial data with an error. Each call tells the
   * subgraph (x-deadline-ms), whose database work stops a little before it (and at DB_STATEMENT_TIMEOUT_MS).
   */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  /**
   * Coalescing of identical in-flight subgraph queries of one viewer, and batching of one request's entity fetches
   * (docs/architecture.md §3). `off` sends every call on its own (to measure what they save, or to rule them out).
   */
  SUBGRAPH_COALESCING: z.enum(['on', 'off']).default('on'),
  /**
   * The public response cache (docs/performance.md, "Public response cache"): anonymous queries of stores and the
   * catalog answered from Redis (REDIS_URL) or this process's memory. `off` sends every read to the subgraphs;
   * Cache-Control is sent either way.
   */
  RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
  /** Seconds a cached public answer lives at most; a write to its domains invalidates it sooner. */
  RESPONSE_CACHE_TTL_S: z.coerce.number().int().min(1).max(3600).default(60),
  /** Seconds a cached answer that selects stock lives (stock moves with every order: not invalidated, short-lived). */
  RESPONSE_CACHE_STOCK_TTL_S: z.coerce.number().int().min(1).max(300).default(5),
  /**
   * Cache-Control max-age of public answers (`public, max-age=N`; stock answers at most RESPONSE_CACHE_STOCK_TTL_S).
   * Shared HTTP caches cannot be invalidated, so keep it short; 0 sends `private, no-store` on every answer.
   */
  RESPONSE_CACHE_HTTP_MAX_AGE_S: z.coerce.number().int().min(0).max(3600).default(5),
  /** Prefix of the cache's Redis keys (entries, generations): environments sharing one Redis need their own. */
  RESPONSE_CACHE_KEY_PREFIX: z.string().min(1).max(100).default('response-cache:'),
  /** Requests per minute per caller (token subject, else client address). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  MAX_QUERY_COST: z.coerce.number().int().min(100).default(100000),
  SUPERGRAPH_FILE: z.string().optional(),
  /** Host the subgraphs listen on when their URLs are not given one by one. */
  SUBGRAPH_HOST: z.string().default('127.0.0.1'),
  // SUBGRAPH_URL_STORES, SUBGRAPH_URL_PRODUCTS, ... override single subgraph URLs.
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;
