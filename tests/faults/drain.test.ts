// Graceful drain on SIGTERM (a rolling deploy): under light load of reads and idempotent writes, a subgraph
// and the gateway, each sent SIGTERM, stop accepting connections at once, answer /readyz with 503, let the
// requests in flight finish (one held on a row lock for about a second), close idle keep-alive connections at
// once, cut no request they had accepted, and exit 0 well within SHUTDOWN_DRAIN_MS; started again, they
// serve. What clients were told is what the database holds. Requests sent after the signal may be refused
// (ECONNREFUSED; or reset, when their connection reached the listening socket's queue in the few ms before the
// process handled the signal): a load balancer stops sending once /readyz says 503.
import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { makeViewer, signViewer, VIEWER_HEADER } from '@retail/platform';
import { createTestDatabase, type TestDatabase } from '@retail/platform/testing';
import { startGraphProcesses, type GraphProcesses } from './support/graph-processes';
import { waitUntil } from './support/ports';
import { heldGet, probe, refusesConnections, type Probe } from './support/probe';
import { startTestRedis, type TestRedis } from './support/redis';

const DRAIN_MS = 10_000;
/** How long the test holds the row lock an adjustStock in flight waits on. */
const HOLD_MS = 1000;
const INTERNAL_SECRET = crypto.randomBytes(32).toString('hex');

let database: TestDatabase;
let redis: TestRedis;
let graph: GraphProcesses;
let admin: string;
/** The stock row the slow request waits on, and the one the load writes. */
let lockedRow: { storeId: string; skuId: string };
let loadRow: { storeId: string; skuId: string };

beforeAll(async () => {
  database = await createTestDatabase('faults-drain');
  redis = await startTestRedis();
  graph = await startGraphProcesses({ databaseUrl: database.url, redisUrl: redis.url, env: { INTERNAL_SECRET, SHUTDOWN_DRAIN_MS: String(DRAIN_MS) } });
  admin = await graph.token({ role: 'PLATFORM_ADMIN' });
  const rows = await database.db.query<{ storeId: string; skuId: string }>(`SELECT store_id AS "storeId", sku_id AS "skuId" FROM products.stock ORDER BY store_id, sku_id LIMIT 2`);
  [lockedRow, loadRow] = [rows[0]!, rows[1]!];
}, 120_000);
afterAll(async () => {
  await graph?.stop();
  await redis?.stop();
  await database?.drop();
}, 60_000);

const ADJUST = `mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stock { onHand } userErrors { code } } }`;
/** Through the gateway: stores, then products (Store.stock). */
const GATEWAY_READ = `query($sku: ID!) { stores(first: 3) { edges { node { name stock(skuIds: [$sku]) { available } } } } }`;
const SUBGRAPH_READ = `{ products(first: 5) { edges { node { id title } } } }`;

type Target = 'gateway' | 'products';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GraphQL POST to the gateway (bearer token) or straight to products (viewer signed as the gateway signs it). */
function request(target: Target, label: string, query: string, variables: Record<string, unknown>, agent?: http.Agent): Promise<Probe> {
  const body = JSON.stringify({ query, variables });
  if (target === 'gateway') return probe(graph.gatewayUrl, body, { label, agent, headers: { authorization: `Bearer ${admin}` } });
  const viewer = signViewer(makeViewer({ role: 'PLATFORM_ADMIN' }), INTERNAL_SECRET, { method: 'POST', path: '/graphql', body });
  return probe(`${graph.services.products!.url}/graphql`, body, { label, agent, headers: { [VIEWER_HEADER]: viewer } });
}

interface Write {
  key: string;
  probe: Probe;
}
const acknowledged = (p: Probe) => {
  const payload = (p.body as { data?: { adjustStock?: { stock: unknown; userErrors: unknown[] } | null } } | undefined)?.data?.adjustStock;
  return p.outcome === 'ok' && !!payload?.stock && payload.userErrors.length === 0;
};

/** Light load: one loop per spec, a short pause between requests, every write's key recorded. */
function startLoad(run: string, targets: { target: Target; kind: 'read' | 'write' }[], writes: Write[]) {
  const probes: Probe[] = [];
  let running = true;
  const loops = targets.map(async ({ target, kind }, n) => {
    for (let i = 0; running; i++) {
      let p: Probe;
      if (kind === 'read') {
        p = await request(target, `${target}-read`, target === 'gateway' ? GATEWAY_READ : SUBGRAPH_READ, { sku: loadRow.skuId });
      } else {
        const key = `drain-${run}-${target}-${n}-${i}`;
        p = await request(target, `${target}-write`, ADJUST, { input: { ...loadRow, idempotencyKey: key, delta: 1, reason: 'RECEIVED' } });
        writes.push({ key, probe: p });
      }
      probes.push(p);
      await sleep(p.outcome === 'refused' ? 50 : 10);
    }
  });
  return {
    probes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return probes;
    },
  };
}

/** Holds a FOR UPDATE lock on the locked row until release(). */
async function lockRow() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let taken!: () => void;
  const lockTaken = new Promise<void>((r) => (taken = r));
  const holder = database.db.transaction(async (tx) => {
    await tx.query(`SELECT on_hand FROM products.stock WHERE store_id = $1 AND sku_id = $2 FOR UPDATE`, [lockedRow.storeId, lockedRow.skuId]);
    taken();
    await released;
  });
  await lockTaken;
  return { lockedAt: Date.now(), release: async () => (release(), await holder) };
}

/** An idle keep-alive connection to the service (a /healthz answered on it); resolves with its socket. */
function idleKeepAlive(port: number, agent: http.Agent): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => setImmediate(() => resolve(req.socket!)));
    });
    req.on('error', reject);
  });
}

interface Measured {
  inFlightAtSignal: number;
  acceptedBeforeSignal: number;
  /**
   * Connections made after the signal, in the milliseconds before the process handled it, that the kernel reset
   * when the listening socket closed (its accept queue): never seen by the service. Each: ms after the signal.
   */
  resetAfterSignal: number[];
  refused: number;
  signalToRefusingMs: number;
  idleClosedMs: number;
  drainedMs: number;
  exitMs: number;
  requestsDrained: Record<string, unknown> | undefined;
  gatewayResets: string[];
}

/**
 * The scenario for one service: load, an adjustStock held on a row lock (plus, for products, one through
 * the gateway), SIGTERM while it waits, then checks and a restart. Returns what it measured.
 */
async function drainUnderLoad(name: Target, load: { target: Target; kind: 'read' | 'write' }[], slowVia: Target[]): Promise<Measured> {
  const service = graph.services[name]!;
  const writes: Write[] = [];
  const running = startLoad(name, load, writes);
  await waitUntil(() => load.every((l) => running.probes.filter((p) => p.label === `${l.target}-${l.kind}` && p.outcome === 'ok').length >= 5), 20_000, 'load before the signal');

  // Requests in flight at the signal: adjustStock calls waiting on a row lock the test holds.
  const lock = await lockRow();
  const keepAlive = new http.Agent({ keepAlive: true });
  const slow = slowVia.map((target) => {
    const key = `drain-${name}-slow-via-${target}`;
    const p = request(target, `${target}-slow`, ADJUST, { input: { ...lockedRow, idempotencyKey: key, delta: 1, reason: 'RECEIVED' } }, target === name ? keepAlive : undefined);
    return { key, probe: p };
  });
  let slowDone = 0;
  for (const s of slow) void s.probe.then(() => slowDone++);
  await waitUntil(
    async () => (await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0]!.n >= slow.length,
    10_000,
    'the slow requests waiting on the lock',
  );
  // A health checker's request in flight, and an idle keep-alive connection.
  const readyz = heldGet(service.port, '/readyz');
  await readyz.open();
  const idleAgent = new http.Agent({ keepAlive: true });
  const idleSocket = await idleKeepAlive(service.port, idleAgent);
  const idleClosed = new Promise<number>((r) => idleSocket.once('close', () => r(Date.now())));

  const signalAt = Date.now();
  const exited = graph.signal(name, 'SIGTERM').then((code) => ({ code, at: Date.now() }));
  await waitUntil(() => refusesConnections(service.port), 3000, `${name} to stop listening`);
  const refusingAt = Date.now();

  // Draining: /readyz says 503 (with Connection: close) while the slow requests still wait on the lock.
  const ready = await readyz.complete();
  expect([ready.status, ready.headers.connection, (JSON.parse(ready.body || '{}') as { status?: string }).status]).toEqual([503, 'close', 'draining']);
  const idleClosedAt = await Promise.race([idleClosed, sleep(2000).then(() => Number.NaN)]);
  expect(idleClosedAt - signalAt).toBeLessThan(1000);
  expect(slowDone).toBe(0);

  await sleep(Math.max(0, lock.lockedAt + HOLD_MS - Date.now()));
  await lock.release();
  const slowProbes = await Promise.all(slow.map((s) => s.probe));
  for (const p of slowProbes) expect([p.label, p.outcome, acknowledged(p)]).toEqual([p.label, 'ok', true]);
  // The one on a keep-alive connection to the stopping service is told to close it.
  expect(slowProbes.find((p) => p.label === `${name}-slow`)?.connection).toBe('close');
  writes.push(...slow.map((s, i) => ({ key: s.key, probe: slowProbes[i]! })));

  const exit = await exited;
  expect(exit.code).toBe(0);
  expect(exit.at - signalAt).toBeLessThan(DRAIN_MS);

  // Back again: it serves, and the load recovers.
  await graph.start(name);
  const restartedAt = Date.now();
  await waitUntil(() => running.probes.some((p) => p.sentAt > restartedAt && p.label === `${name}-write` && p.outcome === 'ok'), 20_000, `writes through ${name} after the restart`);
  const probes = [...(await running.stop()), ...slowProbes];
  keepAlive.destroy();
  idleAgent.destroy();

  // No request accepted before the signal was cut or left unanswered; nothing timed out.
  const acceptedBefore = probes.filter((p) => p.connectedAt !== undefined && p.connectedAt < signalAt);
  expect(acceptedBefore.filter((p) => p.outcome === 'cut' || p.outcome === 'timeout')).toEqual([]);
  expect(probes.filter((p) => p.outcome === 'timeout')).toEqual([]);
  // Requests to the stopping service accepted before the signal were answered in full, and successfully.
  const toService = acceptedBefore.filter((p) => p.label.startsWith(`${name}-`));
  expect(toService.filter((p) => p.outcome !== 'ok').map((p) => [p.label, p.outcome, p.codes])).toEqual([]);
  // A refusal is only ever "not listening": the connection was never established.
  expect(probes.filter((p) => p.outcome === 'refused' && p.connectedAt !== undefined)).toEqual([]);
  // While products restarts the gateway stays up: its clients see typed errors, never a cut.
  if (name === 'products') expect(probes.filter((p) => p.label.startsWith('gateway-') && p.outcome === 'cut')).toEqual([]);

  // What clients were told is what the database holds.
  const stored = new Set(
    (await database.db.query<{ key: string }>(`SELECT key FROM products.idempotency_keys WHERE operation = 'adjustStock' AND key LIKE $1`, [`drain-${name}-%`])).map((r) => r.key),
  );
  expect(writes.filter((w) => acknowledged(w.probe) && !stored.has(w.key)).map((w) => w.key)).toEqual([]);
  expect(writes.filter((w) => !acknowledged(w.probe) && stored.has(w.key)).map((w) => [w.key, w.probe.outcome, w.probe.codes])).toEqual([]);
  expect(writes.filter((w) => acknowledged(w.probe)).length).toBeGreaterThan(5);

  // The gateway's calls to products that failed on the network other than by a refusal (for the report).
  const gatewayResets = graph
    .logLines('gateway', /^subgraph call failed/)
    .filter((l) => Date.parse(String(l.time)) >= signalAt && !String(l.err).includes('ECONNREFUSED'))
    .map((l) => String(l.err));
  const drainedLines = graph.logLines(name, /^requests drained/);
  const drained = drainedLines[drainedLines.length - 1];
  expect(drained?.cut).toBe(0);
  return {
    inFlightAtSignal: probes.filter((p) => p.sentAt <= signalAt && p.doneAt >= signalAt).length,
    acceptedBeforeSignal: acceptedBefore.length,
    resetAfterSignal: probes.filter((p) => p.outcome === 'cut').map((p) => (p.connectedAt ?? p.sentAt) - signalAt),
    refused: probes.filter((p) => p.outcome === 'refused').length,
    signalToRefusingMs: refusingAt - signalAt,
    idleClosedMs: idleClosedAt - signalAt,
    drainedMs: Number(drained?.ms),
    exitMs: exit.at - signalAt,
    requestsDrained: drained && { inFlight: drained.inFlight, cut: drained.cut, ms: drained.ms },
    gatewayResets,
  };
}

test('SIGTERM to a subgraph: requests in flight finish, none is cut, /readyz 503, exit 0, back on start', async () => {
  const measured = await drainUnderLoad(
    'products',
    [
      { target: 'products', kind: 'read' },
      { target: 'products', kind: 'write' },
      { target: 'gateway', kind: 'read' },
      { target: 'gateway', kind: 'write' },
    ],
    ['products', 'gateway'],
  );
  console.log(`drain products: ${JSON.stringify(measured)}`);
}, 60_000);

test('SIGTERM to the gateway: requests in flight finish, none is cut, /readyz 503, exit 0, back on start', async () => {
  const measured = await drainUnderLoad(
    'gateway',
    [
      { target: 'gateway', kind: 'read' },
      { target: 'gateway', kind: 'read' },
      { target: 'gateway', kind: 'write' },
      { target: 'gateway', kind: 'write' },
    ],
    ['gateway'],
  );
  console.log(`drain gateway: ${JSON.stringify(measured)}`);
}, 60_000);
