import http from 'node:http';
import type net from 'node:net';
import pino from 'pino';
import { UserErrorException } from '../src/errors';
import { findIdempotent, idempotent } from '../src/idempotency';
import { KERNEL_MIGRATIONS_DIR, migrate } from '../src/db/migrate';
import { createPeers, peersForRequest, type Peers } from '../src/peers';
import { createTestDatabase, peersTo, type TestDatabase } from '../src/testing';

const SCHEMA = 'findidem';
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase('find-idempotent-test');
  await migrate(t.db, { schema: SCHEMA, sources: [{ name: 'kernel', dir: KERNEL_MIGRATIONS_DIR }] });
});
afterAll(async () => {
  await t?.drop();
});

const codes = async (p: Promise<unknown>) => {
  try {
    await p;
    return [];
  } catch (e) {
    if (!(e instanceof UserErrorException)) throw e;
    return e.errors.map((x) => x.code);
  }
};

describe('findIdempotent', () => {
  const call = (key: string, request: unknown) => ({ schema: SCHEMA, scope: 'brand:b1', operation: 'placeOrder', key, request });

  it('is null for a free key, the stored response for the same request, IDEMPOTENCY_KEY_REUSED for another', async () => {
    expect(await findIdempotent(t.db, call('k1', { n: 1 }))).toBeNull();
    await idempotent(t.db, call('k1', { n: 1 }), async () => ({ orderId: 'ord-1' }));
    expect(await findIdempotent(t.db, call('k1', { n: 1 }))).toEqual({ replayed: true, response: { orderId: 'ord-1' } });
    expect(await codes(findIdempotent(t.db, call('k1', { n: 2 })))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await findIdempotent(t.db, { ...call('k1', { n: 1 }), scope: 'brand:b2' })).toBeNull();
    expect(await codes(findIdempotent(t.db, call('', { n: 1 })))).toEqual(['INVALID_INPUT']);
  });
});

describe('peersTo', () => {
  it('answers a named stand-in, and refuses a subgraph it was not given as SERVICE_UNAVAILABLE', async () => {
    const standIn: Peers = { query: <D>(subgraph: string) => Promise.resolve({ from: subgraph } as D) };
    const peers = peersTo({ stores: standIn });
    expect(await peers.query('stores', '{ x }')).toEqual({ from: 'stores' });
    await expect(peers.query('products', '{ x }')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });
});

describe('peersForRequest', () => {
  it("carries the request's id to the peer (a call of background work says 'service'), and logs a failure with the request's logger", async () => {
    const seen: (string | undefined)[] = [];
    let fail = false;
    const server = http.createServer((req, res) => {
      seen.push(req.headers['x-request-id'] as string | undefined);
      req.resume();
      req.on('end', () => {
        res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
        res.end(fail ? '{"errors":[{"message":"no"}]}' : '{"data":{"ok":true}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const peers = createPeers({ internalSecret: 'peers-test-secret-0123456789abcdef', urls: { stores: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql` }, env: {} });
      const warnings: unknown[] = [];
      const logger = pino({ level: 'silent' });
      logger.warn = ((obj: unknown) => void warnings.push(obj)) as typeof logger.warn;
      const forRequest = peersForRequest(peers, { requestId: 'req-peer-7', logger });
      expect(await forRequest.query('stores', '{ ok }')).toEqual({ ok: true });
      expect(await peers.query('stores', '{ ok }')).toEqual({ ok: true });
      fail = true;
      await expect(forRequest.query('stores', '{ ok }')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
      expect(seen).toEqual(['req-peer-7', 'service', 'req-peer-7']);
      expect(warnings).toEqual([{ subgraph: 'stores', status: 500, errors: ['no'] }]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
