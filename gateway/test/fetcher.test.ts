// The gateway's subgraph fetcher across a subgraph closing a keep-alive connection (a restart, a drain): a
// query that hits the closed connection goes out again on a new one; a mutation never does.
import http from 'node:http';
import type net from 'node:net';
import { createSubgraphFetcher } from '../src/fetcher';

let server: http.Server;
let url: string;
let received: string[] = [];

beforeAll(async () => {
  // Answers the first request on each connection; a second request on the same connection finds it closed
  // without an answer, as when the subgraph closed it just as the gateway reused it.
  const served = new WeakMap<net.Socket, number>();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(body);
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (n > 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { ok: true } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const post = (fetcher: ReturnType<typeof createSubgraphFetcher>, query: string) => fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

test('a query that meets a connection the subgraph closed is sent once more, on a new connection', async () => {
  const fetcher = createSubgraphFetcher({ timeoutMs: 2000, maxSockets: 1 });
  received = [];
  expect((await post(fetcher, 'query A { a }')).status).toBe(200);
  const res = await post(fetcher, 'query B { b }');
  expect(res.status).toBe(200);
  expect(received).toEqual([expect.stringContaining('A'), expect.stringContaining('B'), expect.stringContaining('B')]);
  fetcher.destroy();
});

test('a mutation is never sent twice', async () => {
  const fetcher = createSubgraphFetcher({ timeoutMs: 2000, maxSockets: 1 });
  received = [];
  expect((await post(fetcher, 'query A { a }')).status).toBe(200);
  await expect(post(fetcher, 'mutation M { m }')).rejects.toThrow();
  expect(received.filter((b) => b.includes('mutation'))).toHaveLength(1);
  fetcher.destroy();
});
