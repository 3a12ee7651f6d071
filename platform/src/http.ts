import http from 'node:http';
import crypto from 'node:crypto';
import net from 'node:net';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Logger } from 'pino';
import type { RequestState } from './context';
import { Health } from './health';
import { httpDuration, httpRequests, registry, sqlPerRequest } from './metrics';
import { REQUEST_ID_HEADER } from './auth/viewer-header';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => Promise<void> | void;

export interface HttpServiceOptions<C extends BaseContext> {
  service: string;
  logger: Logger;
  apollo: ApolloServer<C>;
  /**
   * Builds the GraphQL context, or answers the request itself (e.g. 401) and returns null. `body` is the
   * request body exactly as received (a subgraph verifies the viewer signature over it).
   */
  context: (req: http.IncomingMessage, res: http.ServerResponse, state: RequestState, body: Buffer) => Promise<C | null>;
  /** What /readyz reports: named checks (database reachable, consumers progressing…) and draining. */
  health?: Health;
  /** Extra plain HTTP routes, "METHOD /path" or a prefix ending in "*". */
  routes?: Record<string, RouteHandler>;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  graphqlPath?: string;
  /**
   * Serve /metrics on this port, to loopback callers only (default true). False when the metrics have a
   * port of their own (METRICS_PORT, createMetricsServer): then /metrics is not found here.
   */
  metricsOnServicePort?: boolean;
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/** 127.0.0.0/8, ::1 and their IPv4-mapped form (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  const v4 = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return a === '::1' || a === '0:0:0:0:0:0:0:1';
}

/**
 * Who may read /metrics on a service port: a caller on this machine (loopback peer address) that did not
 * come through a proxy (a local reverse proxy forwarding the world would otherwise look local).
 */
export function mayReadMetrics(req: http.IncomingMessage): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

async function sendMetrics(res: http.ServerResponse): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(text);
}

/**
 * The Prometheus endpoint on a port of its own (METRICS_PORT): GET /metrics to whoever reaches the port
 * (bind it to an address only the scraper reaches), everything else not found.
 */
export function createMetricsServer(): http.Server {
  return trackRequests(http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return sendClientError(res, 404, 'NOT_FOUND', 'not found');
    sendMetrics(res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'metrics unavailable' });
      else res.end();
    });
  }));
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * A refusal the HTTP front answers itself, in the GraphQL error shape with a typed code
 * (`{ errors: [{ message, extensions: { code } }] }`), logged at info without a stack: the client's mistake.
 */
export function sendClientError(res: http.ServerResponse, status: number, code: string, message: string, logger?: Logger): void {
  logger?.info({ status, code, message }, 'client error');
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
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
  const metrics = routeMetrics(opts.service);
  const sqlStatementsOfRequest = sqlPerRequest.labels({ service: opts.service });
  const server = http.createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://local');
    const given = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    // The request's child logger is made the first time something logs, not for every request.
    let logger: Logger | undefined;
    const state: RequestState = {
      requestId,
      get logger() {
        return (logger ??= opts.logger.child({ requestId }));
      },
      sqlStatements: 0,
    };
    const route = url.pathname === gqlPath ? 'graphql' : url.pathname;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    try {
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok', service: opts.service });
      if (url.pathname === '/readyz') {
        const report = await (opts.health ?? new Health()).report();
        return sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : report.draining ? 'draining' : 'not ready', service: opts.service, checks: report.checks });
      }
      if (url.pathname === '/metrics' && opts.metricsOnServicePort !== false) {
        if (!mayReadMetrics(req)) return sendClientError(res, 403, 'FORBIDDEN', 'metrics are served to local callers only (or on METRICS_PORT)', state.logger);
        return await sendMetrics(res);
      }
      const body = await readBody(req, limit);
      if (body === null) return sendClientError(res, 413, 'BAD_REQUEST', 'request body too large', state.logger);
      const handler = findRoute(routes, req.method ?? 'GET', url.pathname);
      if (handler) return void (await handler(req, res, body));
      if (url.pathname !== gqlPath) return sendClientError(res, 404, 'NOT_FOUND', 'not found', state.logger);

      const context = await opts.context(req, res, state, body);
      if (context === null) return;
      let parsed: unknown = undefined;
      if (body.length) {
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          return sendClientError(res, 400, 'BAD_REQUEST', 'request body is not valid JSON', state.logger);
        }
      }
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const result = await opts.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body: parsed },
        context: async () => context,
      });
      sqlStatementsOfRequest.observe(state.sqlStatements);
      const status = result.status ?? 200;
      if (status >= 400 && result.body.kind === 'complete' && !state.errorsReported) logRefusal(state.logger, status, result.body.string);
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of result.headers) outHeaders[k] = v;
      res.writeHead(status, outHeaders);
      if (result.body.kind === 'complete') res.end(result.body.string);
      else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      state.logger.error({ err: e }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
      else res.end();
    } finally {
      // Recorded here once the answer is written, by a listener that reaches the response as `this`: a closure over
      // `res` made the scavenger promote every request's objects (docs/performance.md, "Tail latency of cached reads").
      if (res.writableEnded) metrics.record(route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      else res.once('finish', function (this: http.ServerResponse) {
        metrics.record(route, this.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      });
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return trackRequests(server);
}

const KNOWN_ROUTES: ReadonlySet<string> = new Set(['graphql', '/healthz', '/readyz', '/metrics']);

/** http_requests_total and http_request_duration_seconds of one service, each label set's child bound once. */
function routeMetrics(service: string) {
  const counts = new Map<string, ReturnType<typeof httpRequests.labels>>();
  const durations = new Map<string, ReturnType<typeof httpDuration.labels>>();
  return {
    record(path: string, statusCode: number, seconds: number): void {
      const route = KNOWN_ROUTES.has(path) ? path : 'other';
      const key = `${route} ${statusCode}`;
      let count = counts.get(key);
      if (!count) counts.set(key, (count = httpRequests.labels({ service, route, status: String(statusCode) })));
      count.inc();
      let duration = durations.get(route);
      if (!duration) durations.set(route, (duration = httpDuration.labels({ service, route })));
      duration.observe(seconds);
    },
  };
}

/**
 * A GraphQL error response Apollo made before any request started (a body of the wrong shape, a CSRF refusal,
 * a mutation over GET), so maskError had no request to log it with: logged here, as maskError would have.
 */
function logRefusal(logger: Logger, status: number, body: string): void {
  let errors: { message?: unknown; extensions?: { code?: unknown } }[] = [];
  try {
    errors = (JSON.parse(body) as { errors?: typeof errors }).errors ?? [];
  } catch {
    // not JSON: logged with its status alone
  }
  const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  const message = String(errors[0]?.message ?? '').slice(0, 300);
  if (status >= 500) logger.error({ status, codes, message }, 'request refused');
  else logger.info({ status, code: codes[0] ?? 'BAD_REQUEST', message }, 'client error');
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

// ---- graceful drain on SIGTERM (docs/architecture.md §9, "Graceful stop") ----

interface DrainState {
  /** Responses not yet closed: the requests in flight. */
  inFlight: Set<http.ServerResponse>;
  draining: boolean;
}

const drainStates = new WeakMap<http.Server, DrainState>();

/**
 * Tracks the requests in flight on `server` so that drainServer can let them finish; once draining, every
 * response (in flight or arriving on a connection accepted before) carries `Connection: close`, so its
 * keep-alive connection closes as soon as it is answered. createHttpService and createMetricsServer call it.
 */
export function trackRequests(server: http.Server): http.Server {
  if (drainStates.has(server)) return server;
  const state: DrainState = { inFlight: new Set(), draining: false };
  drainStates.set(server, state);
  // First of the 'request' listeners, so a response the handler ends synchronously is still seen open.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (state.draining) res.setHeader('connection', 'close');
    state.inFlight.add(res);
    res.once('close', () => {
      state.inFlight.delete(res);
      // A response whose headers went out before the drain kept its connection alive: close it once idle.
      if (state.draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return server;
}

export interface DrainResult {
  /** Requests in flight when the drain began. */
  inFlight: number;
  /** Requests still unanswered at the deadline, whose connections were destroyed. */
  cut: number;
  /** How long the drain took. */
  ms: number;
}

/**
 * Graceful stop of an HTTP server: stops accepting connections at once (synchronously, before the first
 * await), closes idle keep-alive connections at once, lets the requests in flight finish (each answered
 * with `Connection: close`) and destroys what is left after `timeoutMs`. Resolves when every connection
 * is closed. Prompt when nothing is in flight.
 */
export async function drainServer(server: http.Server, timeoutMs: number): Promise<DrainResult> {
  const started = Date.now();
  const state = drainStates.get(server);
  if (state) {
    state.draining = true;
    for (const res of state.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
  }
  const inFlight = state?.inFlight.size ?? 0;
  // close() stops listening and (Node 19+) closes idle connections; its callback runs once none is left.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), timeoutMs);
  });
  const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
  clearTimeout(timer);
  let cut = 0;
  if (outcome === 'deadline') {
    cut = state?.inFlight.size ?? 0;
    server.closeAllConnections();
    await closed;
  }
  return { inFlight, cut, ms: Date.now() - started };
}
