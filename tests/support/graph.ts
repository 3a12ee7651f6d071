import crypto from 'node:crypto';
import {
  Database,
  createLogger,
  parseConfig,
  startSubgraph,
  type RunningSubgraph,
} from '@retail/platform';
import { TEST_INTERNAL_SECRET, TEST_REDIS_URL, createTestDatabase, postGraphQL, testConfig, type GqlResponse, type TestDatabase } from '@retail/platform/testing';
import { gatewayConfigShape, startGateway, type RunningGateway } from '../../gateway/src';
import { prepareDatabase, SUBGRAPHS } from '@retail/graph';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export interface TestGraph {
  gatewayUrl: string;
  db: Database;
  subgraphs: Record<string, RunningSubgraph>;
  gateway: RunningGateway;
  /** A GraphQL request through the gateway, with a bearer token when given. */
  query<D = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResponse<D>>;
  /**
   * Another gateway in front of the same subgraphs (a replica; `env` adds to the first one's settings, e.g.
   * REDIS_URL), stopped with the graph. The gateways read the subgraphs' event streams.
   */
  startGateway(env?: Record<string, string>, opts?: { now?: () => number }): Promise<{ gateway: RunningGateway; url: string }>;
  stopSubgraph(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole graph in this process on a fresh real-PostgreSQL database with the demo data: every
 * implemented subgraph on a free port and the gateway in front of them.
 */
export async function startTestGraph(opts: { gatewayEnv?: Record<string, string>; database?: TestDatabase } = {}): Promise<TestGraph> {
  const database = opts.database ?? (await createTestDatabase('e2e'));
  await prepareDatabase(database.db, { seed: 'always' });
  // Real Redis Streams for events, under a prefix of this graph's own.
  const config = testConfig({ REDIS_URL: TEST_REDIS_URL, EVENT_STREAM_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}:` });
  const subgraphs: Record<string, RunningSubgraph> = {};
  for (const subgraph of SUBGRAPHS) {
    const db = new Database({ url: database.url, service: subgraph.name, max: 10 });
    // Subgraphs start in registry order, so the ones a subgraph calls (stores) already have their URL.
    const peerUrls = Object.fromEntries(Object.entries(subgraphs).map(([name, sg]) => [name, `http://127.0.0.1:${sg.port}/graphql`]));
    subgraphs[subgraph.name] = await startSubgraph(subgraph, { db, config, port: 0, peerUrls });
  }
  const env: Record<string, string> = {};
  for (const [name, sg] of Object.entries(subgraphs)) env[`SUBGRAPH_URL_${name.toUpperCase()}`] = `http://127.0.0.1:${sg.port}/graphql`;
  const replicas: RunningGateway[] = [];
  const launchGateway = async (extra: Record<string, string> = {}, gatewayOpts: { now?: () => number } = {}) => {
    const gwConfig = parseConfig(gatewayConfigShape, {
      INTERNAL_SECRET: TEST_INTERNAL_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      EVENT_STREAM_PREFIX: config.EVENT_STREAM_PREFIX,
      ...opts.gatewayEnv,
      ...extra,
    });
    return startGateway(gwConfig, { env, logger: createLogger('gateway', gwConfig.LOG_LEVEL), now: gatewayOpts.now });
  };
  const gateway = await launchGateway();
  const gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;
  const stopped = new Set<string>();
  const stopSubgraph = async (name: string) => {
    const sg = subgraphs[name];
    if (!sg || stopped.has(name)) return;
    stopped.add(name);
    await sg.stop();
    await sg.deps.db.close();
  };
  const graph: TestGraph = {
    gatewayUrl,
    db: database.db,
    subgraphs,
    gateway,
    query: (q, variables = {}, token) => postGraphQL(gatewayUrl, q, variables, token ? { authorization: `Bearer ${token}` } : {}),
    stopSubgraph,
    async startGateway(extra, gatewayOpts) {
      const replica = await launchGateway(extra, gatewayOpts);
      replicas.push(replica);
      return { gateway: replica, url: `http://127.0.0.1:${replica.port}/graphql` };
    },
    async close() {
      for (const replica of replicas) await replica.stop();
      await graph.gateway.stop(); // the test may have swapped in another gateway
      for (const name of Object.keys(subgraphs)) await stopSubgraph(name);
      await database.drop();
    },
  };
  return graph;
}
