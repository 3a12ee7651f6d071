// Requests whose fate is classified at the TCP level, for the graceful-drain test: each one on a connection
// of its own (or on a given keep-alive agent), recording when its connection was established, so a request
// the server refused (ECONNREFUSED: it was no longer listening) is told apart from one it accepted and then
// dropped without an answer (cut).
import http from 'node:http';
import net from 'node:net';

export type ProbeOutcome = 'ok' | 'graphql-error' | 'http-error' | 'refused' | 'cut' | 'timeout';

export interface Probe {
  label: string;
  /** When the request was started (before connecting). */
  sentAt: number;
  /** When its TCP connection was established (the server's kernel accepted it); unset if it never was. */
  connectedAt?: number;
  doneAt: number;
  status: number;
  outcome: ProbeOutcome;
  /** The network error (code or message) of a refused, cut or timed-out request. */
  error?: string;
  /** The response's Connection header. */
  connection?: string;
  body?: unknown;
  /** extensions.code of each GraphQL error. */
  codes: string[];
}

export interface ProbeOptions {
  label: string;
  headers?: Record<string, string>;
  /** A keep-alive agent to send on; default: a connection of its own, closed after the answer. */
  agent?: http.Agent;
  timeoutMs?: number;
}

/** POSTs `body` as JSON to `url` and classifies what happened. Never throws. */
export function probe(url: string, body: string, opts: ProbeOptions): Promise<Probe> {
  const sentAt = Date.now();
  let connectedAt: number | undefined;
  return new Promise<Probe>((resolve) => {
    let settled = false;
    const finish = (p: Omit<Probe, 'label' | 'sentAt' | 'connectedAt' | 'doneAt'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ label: opts.label, sentAt, connectedAt, doneAt: Date.now(), ...p });
    };
    const failed = (e: Error & { code?: string }) => {
      const error = e.code ?? e.message;
      if (e.message === 'probe timeout') return finish({ status: 0, outcome: 'timeout', error, codes: [] });
      finish({ status: 0, outcome: connectedAt === undefined && e.code === 'ECONNREFUSED' ? 'refused' : 'cut', error, codes: [] });
    };
    const req = http.request(
      url,
      { method: 'POST', agent: opts.agent ?? false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', failed);
        res.on('aborted', () => failed(new Error('response aborted')));
        res.on('end', () => {
          if (!res.complete) return failed(new Error('response incomplete'));
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          const errors = typeof parsed === 'object' && parsed !== null && 'errors' in parsed && Array.isArray(parsed.errors) ? (parsed.errors as { extensions?: { code?: unknown } }[]) : [];
          const codes = errors.map((e) => String(e.extensions?.code ?? ''));
          const status = res.statusCode ?? 0;
          finish({ status, outcome: status >= 400 ? 'http-error' : codes.length ? 'graphql-error' : 'ok', connection: res.headers.connection, body: parsed, codes });
        });
      },
    );
    req.on('socket', (s) => {
      // A reused keep-alive socket is connected already.
      if (!s.connecting) connectedAt = Date.now();
      else s.once('connect', () => (connectedAt = Date.now()));
    });
    req.on('error', failed);
    const timer = setTimeout(() => req.destroy(new Error('probe timeout')), opts.timeoutMs ?? 15_000);
    req.end(body);
  });
}

/** Whether a new TCP connection to the port is refused now (nothing listens). */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: Error & { code?: string }) => resolve(e.code === 'ECONNREFUSED'));
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A GET whose request head is sent in two parts: `open()` connects and sends all but the final blank line
 * (the server has accepted the connection and is reading a request), `complete()` sends the rest and reads
 * the answer up to the end of the connection. A health checker's request in flight at a signal.
 */
export function heldGet(port: number, path: string): { open(): Promise<void>; complete(): Promise<RawResponse>; socket: net.Socket } {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    open: () =>
      new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, () => resolve()));
      }),
    async complete() {
      socket.write('\r\n');
      // A server that keeps the connection open after answering is cut off after 5 s (the test then sees no Connection: close).
      const giveUp = setTimeout(() => socket.destroy(), 5000);
      await ended.finally(() => clearTimeout(giveUp));
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of headerLines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n') };
    },
  };
}
