import http from 'node:http';
import crypto from 'node:crypto';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Logger } from 'pino';
import { requestState, type RequestState } from './context';
import { httpDuration, httpRequests, registry, sqlPerRequest } from './metrics';
import { REQUEST_ID_HEADER } from './auth/viewer-header';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<void> | void;

export interface HttpServiceOptions<C extends BaseContext> {
  service: string;
  logger: Logger;
  apollo: ApolloServer<C>;
  /** Builds the GraphQL context, or answers the request itself (e.g. 401) and returns null. */
  context: (req: http.IncomingMessage, res: http.ServerResponse, state: RequestState) => Promise<C | null>;
  /** Readiness check behind /readyz (database reachable, ...). */
  ready?: () => Promise<boolean>;
  /** Extra plain HTTP routes, "METHOD /path" or a prefix ending in "*". */
  routes?: Record<string, RouteHandler>;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  graphqlPath?: string;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end and dropped, so the client receives the 413 instead of a
    // connection reset; one far over the limit loses its connection.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit * 8) req.destroy();
      else if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('close', () => resolve(null));
    req.on('error', reject);
  });
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function findRoute(routes: Record<string, RouteHandler>, method: string, path: string): RouteHandler | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact) return exact;
  for (const [k, h] of Object.entries(routes)) {
    if (k.endsWith('*') && `${method} ${path}`.startsWith(k.slice(0, -1))) return h;
  }
  return undefined;
}

/**
 * The one HTTP front every service has: /graphql through Apollo Server, /healthz, /readyz, /metrics,
 * optional plain routes; a request id (taken from x-request-id or made) on every log line.
 */
export function createHttpService<C extends BaseContext>(opts: HttpServiceOptions<C>): http.Server {
  const gqlPath = opts.graphqlPath ?? '/graphql';
  const limit = opts.maxBodyBytes ?? 1_000_000;
  const routes = opts.routes ?? {};
  const server = http.createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://local');
    const given = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    const state: RequestState = { requestId, logger: opts.logger.child({ requestId }), sqlStatements: 0 };
    const route = url.pathname === gqlPath ? 'graphql' : url.pathname;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.on('finish', () => {
      const known = ['graphql', '/healthz', '/readyz', '/metrics'].includes(route) ? route : 'other';
      httpRequests.inc({ service: opts.service, route: known, status: String(res.statusCode) });
      httpDuration.observe({ service: opts.service, route: known }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    await requestState.run(state, async () => {
      try {
        if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', service: opts.service });
        if (url.pathname === '/readyz') {
          const ok = opts.ready ? await opts.ready() : true;
          return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', service: opts.service });
        }
        if (url.pathname === '/metrics') {
          const text = await registry.metrics();
          res.writeHead(200, { 'content-type': registry.contentType });
          return void res.end(text);
        }
        const body = await readBody(req, limit);
        if (body === null) return sendJson(res, 413, { errors: [{ message: 'request body too large', extensions: { code: 'BAD_REQUEST' } }] });
        const handler = findRoute(routes, req.method ?? 'GET', url.pathname);
        if (handler) return void (await handler(req, res, body));
        if (url.pathname !== gqlPath) return sendJson(res, 404, { error: 'not found' });

        const context = await opts.context(req, res, state);
        if (context === null) return;
        let parsed: unknown = undefined;
        if (body.length) {
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
          }
        }
        const headers = new HeaderMap();
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const result = await opts.apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: parsed },
          context: async () => context,
        });
        sqlPerRequest.observe({ service: opts.service }, state.sqlStatements);
        const outHeaders: Record<string, string> = {};
        for (const [k, v] of result.headers) outHeaders[k] = v;
        res.writeHead(result.status ?? 200, outHeaders);
        if (result.body.kind === 'complete') res.end(result.body.string);
        else {
          for await (const chunk of result.body.asyncIterator) res.write(chunk);
          res.end();
        }
      } catch (e) {
        state.logger.error({ err: e }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
        else res.end();
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

export function listen(server: http.Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
