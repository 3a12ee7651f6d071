import fs from 'node:fs';
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { Logger } from 'pino';
import { enforceAuthDirectives } from './auth/directives';
import { scopeFromViewer, type Scope } from './auth/scope';
import { verifyViewerHeader, VIEWER_HEADER } from './auth/viewer-header';
import type { Viewer } from './auth/viewer';
import { maskError } from './errors';
import { createHttpService, sendJson, type RouteHandler } from './http';
import { Loaders } from './loaders';

/** What every subgraph resolver gets. */
export interface SubgraphContext {
  viewer: Viewer;
  scope: Scope;
  loaders: Loaders;
  requestId: string;
  logger: Logger;
}

export interface SubgraphOptions {
  name: string;
  /** Path of schema/<name>.graphql. */
  schemaFile: string;
  resolvers: GraphQLResolverMap<SubgraphContext>;
  logger: Logger;
  internalSecret: string;
  viewerMaxAgeS: number;
  ready?: () => Promise<boolean>;
  routes?: Record<string, RouteHandler>;
}

export function buildSchemaFor(schemaFile: string, resolvers: GraphQLResolverMap<SubgraphContext>) {
  const typeDefs = parse(fs.readFileSync(schemaFile, 'utf8'));
  return enforceAuthDirectives<SubgraphContext>(buildSubgraphSchema([{ typeDefs, resolvers }]));
}

/**
 * A subgraph's HTTP service. Every /graphql request, `_service` and `_entities` included, must carry
 * the gateway's fresh signed viewer header, else 401: nobody goes around the gateway.
 */
export async function createSubgraphServer(opts: SubgraphOptions): Promise<{ server: http.Server; apollo: ApolloServer<SubgraphContext> }> {
  const apollo = new ApolloServer<SubgraphContext>({
    schema: buildSchemaFor(opts.schemaFile, opts.resolvers),
    formatError: maskError,
    introspection: true,
    csrfPrevention: false,
    includeStacktraceInErrorResponses: false,
    // No federated traces (ftv1) for callers: they would reveal resolver timings.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const server = createHttpService<SubgraphContext>({
    service: opts.name,
    logger: opts.logger,
    apollo,
    ready: opts.ready,
    routes: opts.routes,
    context: async (req, res, state) => {
      const raw = req.headers[VIEWER_HEADER];
      const check = verifyViewerHeader(typeof raw === 'string' ? raw : undefined, opts.internalSecret, opts.viewerMaxAgeS);
      if (!check.ok) {
        state.logger.warn({ reason: check.reason }, 'rejected unsigned subgraph request');
        sendJson(res, 401, { errors: [{ message: `subgraph requests must come through the gateway (${check.reason} viewer signature)`, extensions: { code: 'UNAUTHENTICATED' } }] });
        return null;
      }
      return { viewer: check.viewer, scope: scopeFromViewer(check.viewer), loaders: new Loaders(), requestId: state.requestId, logger: state.logger };
    },
  });
  return { server, apollo };
}
