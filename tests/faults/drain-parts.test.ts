// The parts of every service's graceful stop, in process. drainServer (platform/src/http.ts) on a plain
// server: idle keep-alive connections close at once, requests in flight finish and close their connections
// (also when their headers went out before the drain), nothing is accepted any more, and only the deadline
// cuts. An event consumer that stops finishes the event under way and starts no other.
import http from 'node:http';
import type net from 'node:net';
import { drainServer, listen, trackRequests, type EventEnvelope } from '@retail/platform';
import { runConsumerLoop } from '../../platform/src/events/consumer-loop';
import { refusesConnections } from './support/probe';

interface Answer {
  status: number;
  connection?: string;
  body: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every 5 ms until `check` holds (a request has reached the server), for at most 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function serve(): Promise<{ server: http.Server; port: number; never: Set<http.ServerResponse>; arrived: string[] }> {
  const never = new Set<http.ServerResponse>();
  /** The path of every request the server has begun to handle. */
  const arrived: string[] = [];
  const server = trackRequests(
    http.createServer((req, res) => {
      arrived.push(req.url ?? '');
      if (req.url === '/slow') return void setTimeout(() => res.end('slow'), 300);
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part;');
        return void setTimeout(() => res.end('rest'), 300);
      }
      if (req.url === '/never') return void never.add(res);
      res.end('fast');
    }),
  );
  server.keepAliveTimeout = 65_000;
  return { server, port: await listen(server, 0, '127.0.0.1'), never, arrived };
}

function get(port: number, path: string, agent: http.Agent): { answer: Promise<Answer>; socket: Promise<net.Socket> } {
  let socketReady!: (s: net.Socket) => void;
  const socket = new Promise<net.Socket>((r) => (socketReady = r));
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      res.on('error', reject);
    });
    req.on('socket', (s) => socketReady(s));
    req.on('error', reject);
  });
  return { answer, socket };
}

const closedWithin = (socket: net.Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

test('idle keep-alive connections close at once; requests in flight finish with Connection: close; nothing new is accepted', async () => {
  const { server, port, arrived } = await serve();
  const agent = new http.Agent({ keepAlive: true });
  const idleAgent = new http.Agent({ keepAlive: true });
  const idle = get(port, '/fast', idleAgent);
  expect((await idle.answer).connection).toBe('keep-alive');
  const idleSocket = await idle.socket;
  const slow = get(port, '/slow', agent);
  const stream = get(port, '/stream', agent);
  // Both are in flight; /stream has sent its headers (keep-alive) already.
  await until(() => arrived.includes('/slow') && arrived.includes('/stream'), '/slow and /stream to reach the server');

  const drained = drainServer(server, 5000);
  expect(await closedWithin(idleSocket, 100)).toBe(true);
  expect(await refusesConnections(port)).toBe(true);
  expect(await slow.answer).toEqual({ status: 200, connection: 'close', body: 'slow' });
  expect(await stream.answer).toEqual({ status: 200, connection: 'keep-alive', body: 'part;rest' });
  // The stream's connection could not be told in its headers: it is closed as soon as it is idle.
  expect(await closedWithin(await stream.socket, 200)).toBe(true);
  const result = await drained;
  expect(result).toEqual({ inFlight: 2, cut: 0, ms: expect.any(Number) });
  expect(result.ms).toBeLessThan(1000);
  agent.destroy();
  idleAgent.destroy();
});

test('a drain with nothing in flight is prompt', async () => {
  const { server, port } = await serve();
  const agent = new http.Agent({ keepAlive: true });
  await get(port, '/fast', agent).answer;
  const result = await drainServer(server, 10_000);
  expect(result.inFlight).toBe(0);
  expect(result.ms).toBeLessThan(200);
  agent.destroy();
});

test('only the deadline cuts a request that does not finish', async () => {
  const { server, port, never } = await serve();
  const agent = new http.Agent({ keepAlive: true });
  const hanging = get(port, '/never', agent);
  await until(() => never.size === 1, '/never to reach the server');
  const started = Date.now();
  const result = await drainServer(server, 300);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(result).toEqual({ inFlight: 1, cut: 1, ms: expect.any(Number) });
  await expect(hanging.answer).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(never.size).toBe(1);
  agent.destroy();
});

test('a consumer that stops finishes the event under way, acks it, and starts no other of its batch', async () => {
  const envelope = (id: string): EventEnvelope => ({ id, topic: 'drain.test', key: id, payload: {}, occurredAt: new Date().toISOString(), source: 'test' });
  const handled: string[] = [];
  const acked: string[] = [];
  let firstStarted!: () => void;
  const started = new Promise<void>((r) => (firstStarted = r));
  let fetched = false;
  const sub = runConsumerLoop(
    {
      next: async () => {
        if (fetched) {
          await sleep(20);
          return [];
        }
        fetched = true;
        return ['e1', 'e2', 'e3'].map((id) => ({ envelope: envelope(id), ack: async () => void acked.push(id) }));
      },
      interrupt: () => undefined,
    },
    async (e) => {
      if (e.id === 'e1') {
        firstStarted();
        await sleep(200);
      }
      handled.push(e.id);
    },
    { drainTimeoutMs: 2000 },
  );
  await started;
  await sub.stop();
  expect({ handled, acked }).toEqual({ handled: ['e1'], acked: ['e1'] });
});
