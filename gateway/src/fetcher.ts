import http from 'node:http';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { DEADLINE_HEADER, signViewerPayload, VIEWER_HEADER } from '@retail/platform';

/**
 * Where SubgraphSource.willSendRequest leaves the encoded viewer (encodeViewer) for the fetcher to sign:
 * the body is only serialized after willSendRequest, so the signature is made here, over the bytes sent.
 * It never leaves the gateway.
 */
export const VIEWER_TO_SIGN_HEADER = 'x-viewer-to-sign';

export class SubgraphTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function response(url: string, status: number, statusText: string, headers: Headers, body: Buffer): FetcherResponse {
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
    clone: () => response(url, status, statusText, headers, body),
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
  const attempt = (url: string, init: FetcherRequestInit, body: Buffer | undefined, timeoutMs: number) =>
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
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(response(url, res.statusCode ?? 0, res.statusMessage ?? '', h, Buffer.concat(chunks)));
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const timer = setTimeout(() => req.destroy(new SubgraphTimeoutError(opts.timeoutMs)), timeoutMs);
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
    try {
      return await attempt(url, init, body, opts.timeoutMs);
    } catch (e) {
      // A subgraph closing an idle keep-alive connection (a restart, a drain) races with our next request on
      // it: that request never reached the subgraph. A query is sent once more on a new connection; a
      // mutation never is (it is not known not to have run).
      const left = opts.timeoutMs - (Date.now() - started);
      if (!(e as { stale?: boolean }).stale || left < 50 || !isQuery(body)) throw e;
      return attempt(url, init, body, left);
    }
  };
  return Object.assign(fetcher, { destroy: () => agent.destroy() });
}

/** Whether a subgraph request body is a query (Apollo's subgraph operations start with their keyword). */
function isQuery(body: Buffer | undefined): boolean {
  if (!body) return false;
  try {
    const { query } = JSON.parse(body.toString('utf8')) as { query?: unknown };
    return typeof query === 'string' && /^\s*(query\b|\{)/.test(query);
  } catch {
    return false;
  }
}

/**
 * Signs each subgraph call over what is really sent: takes the viewer SubgraphSource left in
 * VIEWER_TO_SIGN_HEADER and puts into x-viewer its signature over that viewer, the time, the method, the
 * URL's path and query and the SHA-256 of the body bytes, then hands the request to `fetcher` with
 * exactly those bytes. A call without a viewer to sign goes out unsigned (and a subgraph refuses it).
 */
export function signingFetcher(fetcher: Fetcher, internalSecret: string): Fetcher {
  return (url: string, init: FetcherRequestInit = {}) => {
    const headers: Record<string, string> = {};
    let payload: string | undefined;
    for (const [name, value] of Object.entries(init.headers ?? {})) {
      const key = name.toLowerCase();
      if (key === VIEWER_TO_SIGN_HEADER) payload = value;
      else if (key !== VIEWER_HEADER) headers[name] = value;
    }
    const body = init.body === undefined ? Buffer.alloc(0) : typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body;
    const method = (init.method ?? 'POST').toUpperCase();
    if (payload) {
      const target = new URL(url);
      headers[VIEWER_HEADER] = signViewerPayload(payload, internalSecret, { method, path: `${target.pathname}${target.search}`, body });
    }
    return fetcher(url, { ...init, method, headers, body: init.body === undefined ? undefined : body });
  };
}
