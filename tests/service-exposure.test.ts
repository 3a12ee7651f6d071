import net from 'node:net';
import { startTestGraph, type TestGraph } from './support/graph';
// What a subgraph exposes, and where: it binds loopback unless HOST says otherwise, and its metrics are
// either on its own port for local callers only, or (METRICS_PORT) on a port of their own and not on the service port.
import { ConfigError, parseConfig, startSubgraph, subgraphConfigShape, type RunningSubgraph } from '@retail/platform';
import { createTestDatabase, testConfig, type TestDatabase } from '@retail/platform/testing';
import { SUBGRAPHS } from '@retail/graph';

describe('subgraph settings', () => {
  it('bind loopback by default, keep metrics on the service port, and sign for 30 s', () => {
    const config = parseConfig(subgraphConfigShape, {});
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.METRICS_PORT).toBeUndefined();
    expect(config.VIEWER_MAX_AGE_S).toBe(30);
  });

  it('read METRICS_PORT as a port (empty is unset)', () => {
    expect(parseConfig(subgraphConfigShape, { METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
    expect(parseConfig(subgraphConfigShape, { METRICS_PORT: '' }).METRICS_PORT).toBeUndefined();
    for (const bad of ['abc', '0', '70000']) expect(() => parseConfig(subgraphConfigShape, { METRICS_PORT: bad })).toThrow(ConfigError);
  });
});

describe.each([false, true])('a running subgraph (METRICS_PORT set: %p)', (ownPort) => {
  const def = SUBGRAPHS[0]!;
  let database: TestDatabase;
  let running: RunningSubgraph;
  beforeAll(async () => {
    database = await createTestDatabase(def.name);
    running = await startSubgraph(def, { db: database.db, config: testConfig(), port: 0, metricsPort: ownPort ? 0 : undefined });
  });
  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  const get = async (port: number, path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, text: await res.text() };
  };

  it('listens on loopback unless told otherwise', () => {
    expect(running.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('keeps /healthz and /readyz on the service port', async () => {
    expect((await get(running.port, '/healthz')).status).toBe(200);
    expect((await get(running.port, '/readyz')).status).toBe(200);
  });

  it(ownPort ? 'serves /metrics on its own port only' : 'serves /metrics on the service port to a local caller', async () => {
    const onService = await get(running.port, '/metrics');
    if (ownPort) {
      expect(running.metricsPort).toEqual(expect.any(Number));
      expect(running.metricsPort).not.toBe(running.port);
      expect(onService.status).toBe(404);
      const scraped = await get(running.metricsPort!, '/metrics');
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain(`http_requests_total{service="${def.name}",route="/healthz",status="200"}`);
      expect((await get(running.metricsPort!, '/healthz')).status).toBe(404);
    } else {
      expect(running.metricsPort).toBeUndefined();
      expect(onService.status).toBe(200);
      expect(onService.text).toContain('http_requests_total');
    }
  });
});

describe('the gateway with METRICS_PORT', () => {
  let graph: TestGraph;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    graph = await startTestGraph({ gatewayEnv: { METRICS_PORT: String(metricsPort) } });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('serves /metrics on that port only', async () => {
    expect(graph.gateway.metricsPort).toBe(metricsPort);
    const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(own.status).toBe(200);
    expect(await own.text()).toMatch(/http_requests_total/);
    expect((await fetch(`http://127.0.0.1:${graph.gateway.port}/metrics`)).status).toBe(404);
  });
});
