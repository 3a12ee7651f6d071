import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLFormattedError } from 'graphql';
import {
  createHttpService,
  createKeyValue,
  createLogger,
  createTokenVerifier,
  listen,
  maskError,
  sendJson,
  type KeyValue,
  type Logger,
} from '@retail/platform';
import { clientAddress, identifyCaller } from './caller';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { createSubgraphFetcher } from './fetcher';
import { queryCostRule } from './query-cost';
import { SubgraphSource } from './subgraph-source';

export interface RunningGateway {
  port: number;
  server: http.Server;
  stop(): Promise<void>;
}

/** The composed supergraph the gateway serves (schema/supergraph.graphql, checked in). */
export const SUPERGRAPH_FILE = path.resolve(__dirname, '../../schema/supergraph.graphql');

/**
 * Where each subgraph is: SUBGRAPH_URL_<NAME>, else the URL the supergraph records for it (composition
 * writes each subgraph's registered port there) on SUBGRAPH_HOST.
 */
export function subgraphUrl(name: string, supergraphUrl: string | undefined, config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): string {
  const given = env[`SUBGRAPH_URL_${name.toUpperCase()}`];
  if (given) return given;
  if (!supergraphUrl) throw new Error(`the supergraph has no URL for subgraph ${name}`);
  const url = new URL(supergraphUrl);
  url.hostname = config.SUBGRAPH_HOST;
  return url.toString();
}

function formatGatewayError(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code === 'SUBGRAPH_UNAVAILABLE') return formatted;
  // Apollo files every validation error under GRAPHQL_VALIDATION_FAILED; the cost rule's deserves its own code.
  if (formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && formatted.extensions.maxCost !== undefined) {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'QUERY_TOO_EXPENSIVE' } };
  }
  return maskError(formatted, original);
}

export async function startGateway(config: GatewayConfig, opts: { logger?: Logger; env?: NodeJS.ProcessEnv; keyValue?: KeyValue } = {}): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const supergraphSdl = fs.readFileSync(config.SUPERGRAPH_FILE ?? SUPERGRAPH_FILE, 'utf8');
  const fetcher = createSubgraphFetcher({ timeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphSource(name, subgraphUrl(name, url, config, env), fetcher, config.INTERNAL_SECRET),
    logger,
  });
  const armor = new ApolloArmor({
    maxDepth: { n: config.MAX_QUERY_DEPTH },
    costLimit: { enabled: false }, // replaced by queryCostRule, which clamps `first` like the subgraphs
    maxAliases: { n: 30 },
    maxDirectives: { n: 50 },
    maxTokens: { n: 5000 },
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    ...armor,
    validationRules: [...armor.validationRules, queryCostRule(config.MAX_QUERY_COST)],
    formatError: formatGatewayError,
    introspection: config.NODE_ENV !== 'production',
    csrfPrevention: true,
  });
  await apollo.start();
  const verify = createTokenVerifier({ secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  const kv = opts.keyValue ?? createKeyValue(config.REDIS_URL);

  const server = createHttpService<GatewayContext>({
    service: 'gateway',
    logger,
    apollo,
    context: async (req, res, state) => {
      const caller = await identifyCaller(req, verify);
      if (!caller.ok) {
        sendJson(res, 401, { errors: [{ message: caller.message, extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer' });
        return null;
      }
      const who = caller.viewer.subject ? `sub:${caller.viewer.subject}` : `ip:${clientAddress(req)}`;
      const rate = await kv.rateLimiter.hit(who, config.RATE_LIMIT_PER_MINUTE, 60);
      if (!rate.allowed) {
        sendJson(res, 429, { errors: [{ message: `rate limit of ${config.RATE_LIMIT_PER_MINUTE} requests per minute exceeded`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: rate.resetSeconds } }] }, { 'retry-after': String(rate.resetSeconds) });
        return null;
      }
      return { viewer: caller.viewer, requestId: state.requestId, logger: state.logger, subgraphFetches: 0 };
    },
  });
  const port = await listen(server, config.PORT, config.HOST);
  logger.info({ port }, 'gateway ready');
  return {
    port,
    server,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
      fetcher.destroy();
      if (!opts.keyValue) await kv.close();
    },
  };
}
