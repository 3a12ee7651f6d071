import http from 'node:http';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';

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
 * polyfill) with a hard deadline, so a slow or dead subgraph costs at most `timeoutMs`.
 */
export function createSubgraphFetcher(opts: { timeoutMs: number; maxSockets?: number }): Fetcher & { destroy(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64, keepAliveMsecs: 10_000 });
  const fetcher = (url: string, init: FetcherRequestInit = {}): Promise<FetcherResponse> =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
      const headers: Record<string, string | number> = { ...(init.headers ?? {}) };
      if (body) headers['content-length'] = body.length;
      const req = http.request(url, { method: init.method ?? 'POST', headers, agent }, (res) => {
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
      const timer = setTimeout(() => req.destroy(new SubgraphTimeoutError(opts.timeoutMs)), opts.timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      if (body) req.end(body);
      else req.end();
    });
  return Object.assign(fetcher, { destroy: () => agent.destroy() });
}
