import './federation-exports'; // first: before @apollo/gateway loads
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  createHttpService,
  createKeyValue,
  createLogger,
  createMetricsServer,
  createRedis,
  createTokenVerifier,
  disconnectRedis,
  drainServer,
  errorRequestPlugin,
  firstReady,
  graphqlHttpStatusPlugin,
  Health,
  KEYVALUE_COMMAND_TIMEOUT_MS,
  listen,
  maskError,
  OutageLog,
  requestContext,
  requestGuardPlugin,
  serviceUnavailableStatusPlugin,
  sendJson,
  type KeyValue,
  type Logger,
} from '@retail/platform';
import { clientAddress, identifyCaller } from './caller';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { startCacheInvalidation } from './cache-invalidation';
import { CHANNELS_PREFIX, channelForward } from './channel-forward';
import { createSubgraphFetcher } from './fetcher';
import { answerFromCache, answerPlugin, noteQueryPlan, PublicResponsesApolloServer } from './public-responses';
import { queryCostRule } from './query-cost';
import { subgraphReadiness } from './readiness';
import { cacheNamespace, ResponseCache, type CacheRequestState } from './response-cache';
import { memoryResponseCacheStore, redisResponseCacheStore } from './response-cache-store';
import { SubgraphSource } from './subgraph-source';
import { withSubgraphOwnAnswers } from './subgraph-answers';

export interface RunningGateway {
  port: number;
  /** The port of /metrics when METRICS_PORT gives it one, else undefined (then /metrics is on `port`, loopback only). */
  metricsPort?: number;
  server: http.Server;
  /**
   * Graceful stop: /readyz answers 503 and no connection is accepted from the first moment; idle keep-alive
   * connections close at once; requests in flight finish (at most `drainMs`, default SHUTDOWN_DRAIN_MS, then
   * their connections are cut); then Apollo, the subgraph connections and Redis close. Prompt when idle.
   */
  stop(drainMs?: number): Promise<void>;
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
    return maskError({ ...formatted, extensions: { ...formatted.extensions, code: 'QUERY_TOO_EXPENSIVE' } }, original);
  }
  return maskError(formatted, original);
}

/** Most tokens (names, punctuation, values) a document may have; more is a parse error (GRAPHQL_PARSE_FAILED). */
export const MAX_QUERY_TOKENS = 5000;

type Gateway = ApolloServerOptionsWithGateway<GatewayContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type GatewayResult = Awaited<ReturnType<GatewayExecutor>>;

const NULL_FIELD = /^Cannot return null for non-nullable field (\w+)\.\w+\.$/;
const NULL_ELEMENT = /^Cannot return null for non-nullable array element of type (\w+) at index \d+\.$/;

/**
 * A gateway value-completion error as the client should see it. "Cannot return null for non-nullable" means
 * a subgraph resolved an entity reference to null: the id another subgraph (or the client, through an
 * argument such as availability(storeId:)) gave does not exist, or is outside the caller's scope, which
 * behaves as absent. That is NOT_FOUND at the field's path. Any other completion error (an invalid value or
 * __typename from a subgraph) is a server fault and stays untyped, so maskError reports it as internal.
 */
export function completionError(e: GraphQLError): GraphQLError {
  const field = NULL_FIELD.exec(e.message);
  const element = field ? null : NULL_ELEMENT.exec(e.message);
  const typename = field?.[1] ?? element?.[1];
  if (!typename) return e;
  const path = e.path ?? [];
  const at = (field ? path.slice(0, -1) : path).join('.');
  return new GraphQLError(`the ${typename} at ${at} was not found (unknown id, or not visible to you)`, { path, extensions: { code: 'NOT_FOUND' } });
}

/**
 * @apollo/gateway puts the errors it finds while shaping the result (a non-null field left null, which nulls
 * its parents) into `extensions.valueCompletion` whenever no subgraph reported an error, where no client looks:
 * `{ sku: null }` with no error at all. They go into `errors`, with their path, like every other error.
 */
export function liftCompletionErrors(result: GatewayResult): GatewayResult {
  const completion: unknown = result.extensions?.valueCompletion;
  if (!Array.isArray(completion) || completion.length === 0) return result;
  const { valueCompletion: _lifted, ...extensions } = result.extensions ?? {};
  const lifted = completion.map((e: unknown) => (e instanceof GraphQLError ? completionError(e) : new GraphQLError(String(e))));
  return { ...result, errors: [...(result.errors ?? []), ...lifted], extensions: Object.keys(extensions).length ? extensions : undefined };
}

/** The gateway as Apollo Server sees it, with value-completion errors lifted into `errors`. */
function withCompletionErrors(gateway: ApolloGateway): Gateway {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      const execute = loaded.executor;
      return { ...loaded, executor: execute && (async (requestContext) => liftCompletionErrors(await execute(requestContext))) };
    },
  };
}

/** Redis' first connection is waited for this long at start, so the first public reads are cached already. */
const CACHE_FIRST_CONNECT_WAIT_MS = 2000;

/**
 * The public response cache (docs/performance.md, "Public response cache") on Redis when REDIS_URL is set (shared by
 * every replica, invalidated by the subgraphs' events too), else in this process; undefined when RESPONSE_CACHE=off.
 */
async function startResponseCache(config: GatewayConfig, supergraphSdl: string, logger: Logger, now: (() => number) | undefined) {
  if (config.RESPONSE_CACHE === 'off') return { cache: undefined, stop: async () => undefined };
  const options = { namespace: cacheNamespace(supergraphSdl), ttlMs: config.RESPONSE_CACHE_TTL_S * 1000, stockTtlMs: config.RESPONSE_CACHE_STOCK_TTL_S * 1000, now, logger };
  if (!config.REDIS_URL) return { cache: new ResponseCache({ ...options, store: memoryResponseCacheStore({ now }) }), stop: async () => undefined };
  const redis = createRedis(config.REDIS_URL, { name: 'response-cache', logger, commandTimeoutMs: KEYVALUE_COMMAND_TIMEOUT_MS });
  await firstReady(redis, CACHE_FIRST_CONNECT_WAIT_MS);
  const cache = new ResponseCache({ ...options, store: redisResponseCacheStore(redis, config.RESPONSE_CACHE_KEY_PREFIX) });
  const stopEvents = await startCacheInvalidation({ cache, redisUrl: config.REDIS_URL, streamPrefix: config.EVENT_STREAM_PREFIX, logger });
  return {
    cache,
    stop: async () => {
      await stopEvents();
      await disconnectRedis(redis);
    },
  };
}

export async function startGateway(
  config: GatewayConfig,
  opts: { logger?: Logger; env?: NodeJS.ProcessEnv; keyValue?: KeyValue; /** The response cache's clock (tests). */ now?: () => number } = {},
): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger('gateway', config.LOG_LEVEL);
  /** What /readyz reports (draining from the first moment of stop()). */
  const health = new Health();
  const supergraphSdl = fs.readFileSync(config.SUPERGRAPH_FILE ?? SUPERGRAPH_FILE, 'utf8');
  const fetcher = createSubgraphFetcher({ timeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  /** Where the channels service is (its providers' callbacks are forwarded there), once the supergraph is loaded. */
  let channelsTarget: string | undefined;
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      const target = subgraphUrl(name, url, config, env);
      if (name === 'channels') channelsTarget = target;
      // /readyz: the gateway is ready when every subgraph's /readyz is (probed with a short timeout, cached ~1 s).
      health.add(`subgraph:${name}`, subgraphReadiness(name, target));
      return new SubgraphSource(name, target, withSubgraphOwnAnswers(fetcher), config.INTERNAL_SECRET, {
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
        coalesce: config.SUBGRAPH_COALESCING === 'on',
        batchEntities: config.SUBGRAPH_COALESCING === 'on',
      });
    },
    // What each plan reads and writes: which answers are public, which domains a mutation invalidates.
    experimental_didResolveQueryPlan: noteQueryPlan,
    logger,
  });
  const armor = new ApolloArmor({
    maxDepth: { n: config.MAX_QUERY_DEPTH },
    costLimit: { enabled: false }, // replaced by queryCostRule, which clamps `first` like the subgraphs
    maxAliases: { n: 30 },
    maxDirectives: { n: 50 },
    // Off: its parser runs as a plugin hook, so every syntax error became a 500. graphql's own token limit
    // (parseOptions below) makes a too-long document an ordinary GRAPHQL_PARSE_FAILED (400).
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();
  const apollo = new PublicResponsesApolloServer({
    gateway: withCompletionErrors(gateway),
    ...armor,
    plugins: [...armor.plugins, errorRequestPlugin<GatewayContext>(), requestGuardPlugin<GatewayContext>(), graphqlHttpStatusPlugin<GatewayContext>(), serviceUnavailableStatusPlugin<GatewayContext>(), answerPlugin()],
    validationRules: [...armor.validationRules, queryCostRule(config.MAX_QUERY_COST)],
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    // No automatic persisted queries: any persistedQuery extension is PERSISTED_QUERY_NOT_SUPPORTED (400), and
    // clients (Apollo Client's persisted-query link included) then send the whole query.
    persistedQueries: false,
    formatError: formatGatewayError,
    introspection: config.NODE_ENV !== 'production',
    csrfPrevention: true,
    logger,
    // stop() stops Apollo after the requests in flight (main.ts); Apollo's own SIGTERM handler would stop it
    // at once, failing every request not yet executing.
    stopOnTerminationSignals: false,
  });
  const responseCache = await startResponseCache(config, supergraphSdl, logger, opts.now);
  const cache = responseCache.cache;
  apollo.withPublicResponses({
    cache,
    httpMaxAgeS: config.RESPONSE_CACHE_HTTP_MAX_AGE_S,
    stockMaxAgeS: config.RESPONSE_CACHE_STOCK_TTL_S,
    onInvalidationFailure: (err) => logger.warn({ err }, 'response cache: a mutation could not invalidate its domains; their entries live out their TTL'),
  });
  await apollo.start();
  const verify = createTokenVerifier({ secret: config.JWT_SECRET, jwksUrl: config.JWT_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeSeconds: config.JWT_MAX_LIFETIME_S });
  // Redis is an accelerator here: createKeyValue falls back to in-process limits when Redis fails or hangs.
  const kv = opts.keyValue ?? createKeyValue(config.REDIS_URL, { logger });
  const limiterOutage = new OutageLog({
    logger,
    fields: { component: 'rate-limit' },
    messages: { down: 'rate limiter failing: requests let through', stillDown: 'rate limiter still failing: requests let through', up: 'rate limiter working again' },
  });

  /** Counts a request against its caller's rate limit; over it, answers 429 and says false. */
  const admit = async (who: string, res: http.ServerResponse): Promise<boolean> => {
    // Fail open: a limiter that cannot answer lets the request through rather than failing it.
    const rate = await kv.rateLimiter.hit(who, config.RATE_LIMIT_PER_MINUTE, 60).then(
      (decision) => {
        limiterOutage.success();
        return decision;
      },
      (err: unknown) => {
        limiterOutage.failure(err);
        return null;
      },
    );
    if (rate && !rate.allowed) {
      sendJson(res, 429, { errors: [{ message: `rate limit of ${config.RATE_LIMIT_PER_MINUTE} requests per minute exceeded`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: rate.resetSeconds } }] }, { 'retry-after': String(rate.resetSeconds) });
      return false;
    }
    return true;
  };
  // Channel providers' callbacks, forwarded unchanged to the channels service (gateway/src/channel-forward.ts),
  // rate-limited per client address like anonymous requests.
  const forwardToChannels = channelForward({ target: () => channelsTarget, timeoutMs: config.SUBGRAPH_TIMEOUT_MS, admit: (req, res) => admit(`ip:${clientAddress(req)}`, res) });
  const channelRoutes = Object.fromEntries(['GET', 'POST', 'PUT', 'DELETE'].map((method) => [`${method} ${CHANNELS_PREFIX}*`, forwardToChannels]));

  const server = createHttpService<GatewayContext>({
    service: 'gateway',
    logger,
    apollo,
    health,
    routes: channelRoutes,
    metricsOnServicePort: config.METRICS_PORT === undefined,
    context: async (req, res, state, body) => {
      // An anonymous request's lookup starts at once, beside the rate limit's round trip (docs/performance.md).
      const anonymous = !req.headers.authorization;
      const cacheState: CacheRequestState = { anonymous };
      if (cache && anonymous && (req.method === 'POST' || req.method === 'GET')) {
        cacheState.key = cache.keyOf(req, body);
        cacheState.lookup = cache.lookup(cacheState.key);
      }
      const caller = await identifyCaller(req, verify);
      if (!caller.ok) {
        sendJson(res, 401, { errors: [{ message: caller.message, extensions: { code: 'UNAUTHENTICATED' } }] }, { 'www-authenticate': 'Bearer' });
        return null;
      }
      const who = caller.viewer.subject ? `sub:${caller.viewer.subject}` : `ip:${clientAddress(req)}`;
      if (!(await admit(who, res))) return null;
      if (cache && (await answerFromCache(res, cacheState, cache))) return null;
      // The request's logger is made when something logs, not for every request (requestContext: Apollo clones the
      // context, reading its own getters).
      return requestContext(state, { viewer: caller.viewer, subgraphFetches: 0, cache: cacheState });
    },
  });
  const port = await listen(server, config.PORT, config.HOST);
  const metricsServer = config.METRICS_PORT === undefined ? undefined : createMetricsServer();
  const metricsPort = metricsServer ? await listen(metricsServer, config.METRICS_PORT ?? 0, config.HOST) : undefined;
  logger.info({ port, metricsPort }, 'gateway ready');
  return {
    port,
    metricsPort,
    server,
    async stop(drainMs = config.SHUTDOWN_DRAIN_MS) {
      health.startDraining();
      // Synchronously, before any await: the listeners close, so no connection is accepted after this.
      const [drained] = await Promise.all((metricsServer ? [server, metricsServer] : [server]).map((s) => drainServer(s, drainMs)));
      if (drained) logger.info(drained, drained.cut ? 'requests drained; some were cut at the deadline' : 'requests drained');
      await apollo.stop();
      await responseCache.stop();
      fetcher.destroy();
      if (!opts.keyValue) await kv.close();
    },
  };
}
