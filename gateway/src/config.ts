import { baseConfigShape, z } from '@retail/platform';

export const DEV_JWT_SECRET_FALLBACK = 'dev-jwt-secret-change-me-0123456789';

export const gatewayConfigShape = {
  ...baseConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  /** HS256 secret for development tokens; production uses JWT_JWKS_URL. */
  JWT_SECRET: z.string().min(16, 'JWT_SECRET must be at least 16 characters').default(DEV_JWT_SECRET_FALLBACK),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /** Deadline of one subgraph call; a slower subgraph gives partial data with an error. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  /** Requests per minute per caller (token subject, else client address). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  MAX_QUERY_COST: z.coerce.number().int().min(100).default(50000),
  SUPERGRAPH_FILE: z.string().optional(),
  /** Host the subgraphs listen on when their URLs are not given one by one. */
  SUBGRAPH_HOST: z.string().default('127.0.0.1'),
  // SUBGRAPH_URL_STORES, SUBGRAPH_URL_PRODUCTS, ... override single subgraph URLs.
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;
