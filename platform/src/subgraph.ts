import fs from 'node:fs';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Logger } from 'pino';
import { enforceAuthDirectives } from './auth/directives';
import { scopeFromViewer, type Scope } from './auth/scope';
import { verifyViewerHeader, VIEWER_HEADER } from './auth/viewer-header';
import type { Viewer } from './auth/viewer';
import type { Database } from './db/database';
import { DEADLINE_HEADER, requestContext, requestDeadline } from './context';
import { errorRequestPlugin, maskError, payloadFrom, serviceUnavailableStatusPlugin, type UserError } from './errors';
import type { Health } from './health';
import { requestGuardPlugin } from './input-guard';
import { createPeers, peersForRequest, type Peers } from './peers';
import { createHttpService, sendJson, type RouteHandler } from './http';

/**
 * What every resolver and every command gets: the database, the caller (viewer and its scope), the
 * request's loaders (typed per subgraph, built once per request), the subgraph's own settings, the request id
 * and its logger.
 */
export interface SubgraphContext<L = unknown, S = unknown> {
  /** The database as this request's own view (Database.forRequest): its statements counted, bounded by its deadline. */
  db: Database;
  viewer: Viewer;
  scope: Scope;
  loaders: L;
  /** The subgraph's own settings (SubgraphDefinition.settings), read from the environment at start. */
  settings: S;
  /** Other subgraphs' internal fields, as a signed SERVICE viewer (never inside a transaction). */
  peers: Peers;
  requestId: string;
  logger: Logger;
}

export interface SubgraphOptions<L, S = unknown> {
  name: string;
  /** Path of schema/<name>.graphql. */
  schemaFile: string;
  resolvers: GraphQLResolverMap<SubgraphContext<L, S>>;
  db: Database;
  /** Calls to other subgraphs (default: URLs from SUBGRAPH_URL_<NAME> or the supergraph). */
  peers?: Peers;
  /** The request's loaders, built once per request from the caller's scope. */
  loaders: (db: Database, scope: Scope) => L;
  /** The subgraph's own settings, handed to every request. */
  settings: S;
  logger: Logger;
  internalSecret: string;
  viewerMaxAgeS: number;
  health?: Health;
  routes?: Record<string, RouteHandler>;
  /** Serve /metrics on the service port to loopback callers (default true); false when METRICS_PORT serves them. */
  metricsOnServicePort?: boolean;
}

export function buildSchemaFor<C extends { viewer: Viewer }>(schemaFile: string, resolvers: GraphQLResolverMap<C>) {
  const typeDefs = parse(fs.readFileSync(schemaFile, 'utf8'));
  return enforceAuthDirectives<C>(buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]));
}

/** A mutation's business code: one signature for every command of every subgraph. */
export type Command<C, I, P extends object> = (ctx: C, input: I) => Promise<P>;

type AnyCommand = (ctx: never, input: never) => Promise<object>;
type Payload<P> = P & { userErrors: UserError[] };

/**
 * The Mutation resolvers of a subgraph's commands: each field passes its one `input` to its command, and
 * business failures (UserErrorException) come back as the payload's userErrors. `failed` gives, per command,
 * what the payload's non-null fields other than userErrors say when it failed (`{ registerMember: {
 * alreadyMember: false } }`); nullable ones are null then.
 */
export function commandResolvers<M extends Record<string, AnyCommand>>(
  commands: M,
  failed: { [K in keyof M]?: Partial<Awaited<ReturnType<M[K]>>> } = {},
): { [K in keyof M]: (source: unknown, args: { input: Parameters<M[K]>[1] }, ctx: Parameters<M[K]>[0]) => Promise<Payload<Awaited<ReturnType<M[K]>>>> } {
  const out: Record<string, (source: unknown, args: { input: never }, ctx: never) => Promise<object>> = {};
  const failedOf: Record<string, object | undefined> = failed;
  for (const [name, command] of Object.entries(commands)) out[name] = (_source, { input }, ctx) => payloadFrom(() => command(ctx, input), failedOf[name]);
  return out as { [K in keyof M]: (source: unknown, args: { input: Parameters<M[K]>[1] }, ctx: Parameters<M[K]>[0]) => Promise<Payload<Awaited<ReturnType<M[K]>>>> };
}

/**
 * A subgraph's HTTP service. Every /graphql request, `_service` and `_entities` included, must carry
 * the gateway's fresh signed viewer header, made for this very request (its method, path and exact body
 * bytes), else 401: nobody goes around the gateway, and a captured header serves no other operation.
 */
export async function createSubgraphServer<L, S>(opts: SubgraphOptions<L, S>): Promise<{ server: http.Server; apollo: ApolloServer<SubgraphContext<L, S>> }> {
  const apollo = new ApolloServer<SubgraphContext<L, S>>({
    schema: buildSchemaFor(opts.schemaFile, opts.resolvers),
    formatError: maskError,
    introspection: true,
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    // No federated traces (ftv1) for callers: they would reveal resolver timings. No cache-control plugin: it hooks
    // every field of every request (willResolveField) for hints no subgraph gives, and the gateway reads a subgraph
    // answer without Cache-Control as it reads `no-store` (docs/performance.md, "CPU per request").
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), errorRequestPlugin(), requestGuardPlugin(), serviceUnavailableStatusPlugin()],
    // The service stops Apollo itself, after its requests in flight (runSubgraphMain); Apollo's own SIGTERM
    // handler would stop it at once, failing every request not yet executing.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const peers = opts.peers ?? createPeers({ internalSecret: opts.internalSecret });
  const server = createHttpService<SubgraphContext<L, S>>({
    service: opts.name,
    logger: opts.logger,
    apollo,
    health: opts.health,
    routes: opts.routes,
    metricsOnServicePort: opts.metricsOnServicePort,
    context: async (req, res, state, body) => {
      const raw = req.headers[VIEWER_HEADER];
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', body };
      const check = verifyViewerHeader(typeof raw === 'string' ? raw : undefined, opts.internalSecret, opts.viewerMaxAgeS, request);
      if (!check.ok) {
        state.logger.warn({ reason: check.reason }, 'rejected unsigned subgraph request');
        sendJson(res, 401, { errors: [{ message: `subgraph requests must come through the gateway (${check.reason} viewer signature)`, extensions: { code: 'UNAUTHENTICATED' } }] });
        return null;
      }
      // The database's budget for this request, no longer than the gateway waits (docs/architecture.md §3).
      state.deadline = requestDeadline(req.headers[DEADLINE_HEADER], opts.db.statementTimeoutMs);
      const scope = scopeFromViewer(check.viewer);
      const db = opts.db.forRequest(state);
      return requestContext(state, { db, viewer: check.viewer, scope, loaders: opts.loaders(db, scope), settings: opts.settings, peers: peersForRequest(peers, state) });
    },
  });
  return { server, apollo };
}
