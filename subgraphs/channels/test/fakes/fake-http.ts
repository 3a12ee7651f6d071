import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake provider received it: raw body bytes kept. */
export interface FakeRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface FakeServer {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on a free loopback port answering with `handle`; every request is kept in `requests`. */
export async function startFakeServer(handle: (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fake: FakeRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(fake);
      Promise.resolve()
        .then(() => handle(fake))
        .then(
          (a) => {
            res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
            res.end(a.body);
          },
          (e: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String(e));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh RSA 2048 key pair (PEM), as a merchant or a provider holds. */
export function rsaKeyPair(): { privateKey: string; publicKey: string } {
  return crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
}
