import http from 'node:http';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { DEADLINE_HEADER, signViewerPayload, VIEWER_HEADER } from '@retail/platform';

/**
 * Where SubgraphSource.willSendRequest leaves the encoded viewer (encodeViewer) for the fetcher to sign:
 * the body is only serialized after willSendRequest, so the signature is made here, over the bytes sent.
 * It never leaves the gateway.
 */
export const VIEWER_TO_SIGN_HEADER = 'x-viewer-to-sign';

/** Marks a subgraph call, so SubgraphSource knows which of its calls joined another's fetch. Never leaves the gateway. */
export const CALL_ID_HEADER = 'x-gateway-call';

export class SubgraphTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** The deadline a call asks for (DEADLINE_HEADER, ms), at most `defaultMs`. */
export function callDeadlineMs(init: FetcherRequestInit | undefined, defaultMs: number): number {
  const given = init?.headers?.[DEADLINE_HEADER];
  if (given === undefined) return defaultMs;
  const ms = Number(given);
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, defaultMs) : defaultMs;
}

/**
 * A subgraph response's headers as Apollo reads them (`get('Content-Type')`), over node's own parsed
 * headers: no WHATWG Headers object (and its validation) per call.
 */
export class ReceivedHeaders implements FetcherHeaders {
  private readonly map: Map<string, string>;
  constructor(received: http.IncomingHttpHeaders) {
    this.map = new Map();
    for (const name in received) {
      const v = received[name];
      if (v !== undefined) this.map.set(name, Array.isArray(v) ? v.join(', ') : v);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.map.get(key);
    this.map.set(key, had === undefined ? value : `${had}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** A response over a body already received: each read (text, json, clone) works on the same bytes. */
export function bufferedResponse(url: string, status: number, statusText: string, headers: FetcherHeaders, body: Buffer): FetcherResponse {
  let used = false;
  const text = async () => {
    used = true;
    return body.toString('utf8');
  };
  const self: FetcherResponse = {
    get bodyUsed() {
      return used;
    },
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText,
    headers,
    text,
    json: async () => JSON.parse(await text()),
    arrayBuffer: async () => {
      used = true;
      return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    },
    clone: () => bufferedResponse(url, status, statusText, headers, body),
  };
  return self;
}

/**
 * The gateway's subgraph fetcher: plain node:http over keep-alive agents (cheaper than a fetch
 * polyfill) with a hard deadline, so a slow or dead subgraph costs at most `timeoutMs`. Each call tells the
 * subgraph that deadline (DEADLINE_HEADER): the subgraph's database work stops, and rolls back, a little
 * before it, so the subgraph's own typed answer arrives in time and nothing commits after the gateway gave up.
 */
export function createSubgraphFetcher(opts: { timeoutMs: number; maxSockets?: number }): Fetcher & { destroy(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64, keepAliveMsecs: 10_000 });
  /** One attempt; `stale` says the request failed on a reused keep-alive socket before any response byte. */
  const attempt = (url: string, init: FetcherRequestInit, body: Buffer | undefined, timeoutMs: number, deadlineMs: number) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...(init.headers ?? {}), [DEADLINE_HEADER]: timeoutMs };
      if (body) headers['content-length'] = body.length;
      let answered = false;
      const req = http.request(url, { method: init.method ?? 'POST', headers, agent }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve(bufferedResponse(url, res.statusCode ?? 0, res.statusMessage ?? '', new ReceivedHeaders(res.headers), Buffer.concat(chunks)));
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const timer = setTimeout(() => req.destroy(new SubgraphTimeoutError(deadlineMs)), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(Object.assign(e, { stale: req.reusedSocket && !answered && !(e instanceof SubgraphTimeoutError) }));
      });
      if (body) req.end(body);
      else req.end();
    });
  const fetcher = async (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> => {
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
    const started = Date.now();
    // A call may ask for less than the gateway's SUBGRAPH_TIMEOUT_MS (DEADLINE_HEADER), never more.
    const deadlineMs = callDeadlineMs(init, opts.timeoutMs);
    try {
      return await attempt(url, init, body, deadlineMs, deadlineMs);
    } catch (e) {
      // A subgraph closing an idle keep-alive connection (a restart, a drain) races with our next request on
      // it: that request never reached the subgraph. A query is sent once more on a new connection; a
      // mutation never is (it is not known not to have run).
      const left = deadlineMs - (Date.now() - started);
      if (!(e as { stale?: boolean }).stale || left < 50 || !body || !isQueryBody(body.toString('utf8'))) throw e;
      return attempt(url, init, body, left, deadlineMs);
    }
  };
  return Object.assign(fetcher, { destroy: () => agent.destroy() });
}

/** Whether a subgraph request body is a query. Apollo's subgraph operations start with their keyword (or `{`). */
export function isQueryBody(body: string): boolean {
  // Fast path for the body RemoteGraphQLDataSource serializes: {"query":"query …" / {"query":"{…" / {"query":"mutation …".
  if (body.startsWith('{"query":"query ') || body.startsWith('{"query":"query(') || body.startsWith('{"query":"{')) return true;
  if (body.startsWith('{"query":"mutation') || body.startsWith('{"query":"subscription')) return false;
  try {
    const { query } = JSON.parse(body) as { query?: unknown };
    return typeof query === 'string' && /^\s*(query\b|\{)/.test(query);
  } catch {
    return false;
  }
}

/**
 * The viewer and body of a call that may share a fetch with others (coalescingFetcher, entityBatchingFetcher): a
 * POST with a string body and a viewer to sign; undefined for any other call, which always goes out on its own.
 */
export function signedPost(init: FetcherRequestInit): { viewer: string; body: string } | undefined {
  const viewer = init.headers?.[VIEWER_TO_SIGN_HEADER];
  if (!viewer || typeof init.body !== 'string' || (init.method ?? 'POST').toUpperCase() !== 'POST') return undefined;
  return { viewer, body: init.body };
}

/**
 * Signs each subgraph call over what is really sent: takes the viewer SubgraphSource left in
 * VIEWER_TO_SIGN_HEADER and puts into x-viewer its signature over that viewer, the time, the method, the
 * URL's path and query and the SHA-256 of the body bytes, then hands the request to `fetcher` with
 * exactly those bytes. A call without a viewer to sign goes out unsigned (and a subgraph refuses it).
 */
export function signingFetcher(fetcher: Fetcher, internalSecret: string): Fetcher {
  // The request target of each subgraph URL, parsed once (a source always calls the same URL).
  const targets = new Map<string, string>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (target === undefined) {
      const u = new URL(url);
      target = `${u.pathname}${u.search}`;
      if (targets.size < 1000) targets.set(url, target);
    }
    return target;
  };
  return (url: string, init: FetcherRequestInit = {}) => {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    const given = init.headers ?? {};
    for (const name in given) {
      const key = name.toLowerCase();
      if (key === VIEWER_TO_SIGN_HEADER) payload = given[name];
      else if (key !== VIEWER_HEADER && key !== CALL_ID_HEADER) headers[name] = given[name]!;
    }
    const method = (init.method ?? 'POST').toUpperCase();
    // A string body is signed as its UTF-8 bytes, exactly the bytes the fetcher sends.
    if (payload) headers[VIEWER_HEADER] = signViewerPayload(payload, internalSecret, { method, path: targetOf(url), body: init.body ?? '' });
    return fetcher(url, { ...init, method, headers });
  };
}
