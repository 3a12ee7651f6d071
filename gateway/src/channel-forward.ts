import http from 'node:http';
import type { RouteHandler } from '@retail/platform';

// The channel providers' callbacks reach the channels service through the gateway (README "Channels",
// docs/architecture.md §3): /channels/* is forwarded unchanged — method, path and query, the headers the provider
// signs or the service reads, the raw body bytes — and the service's answer is handed back as it is. No token is
// asked for: the channels service authenticates each callback by the provider's signature.

/** The path prefix forwarded to the channels service. */
export const CHANNELS_PREFIX = '/channels/';

/** Headers never forwarded: hop-by-hop ones, the gateway's own identity and the caller's credentials. */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'authorization', 'cookie', 'x-viewer', 'x-deadline-ms', 'forwarded', 'x-forwarded-for', 'x-real-ip']);

/** Response headers not handed back (hop-by-hop; the length is the gateway's own). */
const DROPPED_BACK = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export interface ChannelForwardOptions {
  /** The channels service's base URL (its /graphql URL is fine: only its origin is used). */
  target: () => string | undefined;
  timeoutMs: number;
  /** Counts the request against the caller's rate limit; false when it is over (the handler answered 429 then). */
  admit: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;
  agent?: http.Agent;
}

function fail(res: http.ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ code: 'FAIL', message });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The route handler that forwards a /channels/* request to the channels service and hands its answer back. */
export function channelForward(opts: ChannelForwardOptions): RouteHandler {
  return async (req, res, body) => {
    if (!(await opts.admit(req, res))) return;
    const base = opts.target();
    if (!base) return fail(res, 503, 'channels service not configured');
    const url = new URL(req.url ?? '/', new URL(base).origin);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !DROPPED.has(name)) headers[name] = value;
    headers['content-length'] = body.length;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
    await new Promise<void>((resolve) => {
      const out = http.request(url, { method: req.method, headers, agent: opts.agent, timeout: opts.timeoutMs }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const back: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !DROPPED_BACK.has(name)) back[name] = value;
          back['content-length'] = bytes.length;
          res.writeHead(answer.statusCode ?? 502, back);
          res.end(bytes);
          resolve();
        });
        answer.on('error', () => {
          if (!res.headersSent) fail(res, 502, 'channels service answer broke off');
          resolve();
        });
      });
      out.on('timeout', () => out.destroy(new Error('timeout')));
      out.on('error', () => {
        // Not a success for any provider, so it retries.
        if (!res.headersSent) fail(res, 503, 'channels service unavailable');
        resolve();
      });
      out.end(body);
    });
  };
}
