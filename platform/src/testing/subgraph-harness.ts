import type { Database } from '../db/database';
import type { Viewer, ViewerRole } from '../auth/viewer';
import { startSubgraph, type RunningSubgraph, type Subgraph } from '../service';
import { testConfig } from './config';
import { createTestDatabase, type TestDatabase } from './databases';
import { postGraphQL, signedHeaders, type GqlResponse } from './graphql';
import { requestSqlStatements } from './metrics';
import { graphqlError } from '../errors';
import type { Peers } from '../peers';

/** No other subgraph runs beside a subgraph under test: a call to one is SERVICE_UNAVAILABLE. */
const unreachablePeers: Peers = {
  query: (subgraph) => Promise.reject(graphqlError('SERVICE_UNAVAILABLE', `the ${subgraph} service is not running in this test`, { retryable: true })),
};

/** A caller as a test names it: a role and the ids that go with it. */
export type TestViewer = Partial<Viewer> & { role: ViewerRole };

export interface SubgraphHarness {
  db: Database;
  url: string;
  running: RunningSubgraph;
  gql<D = Record<string, unknown>>(as: TestViewer, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<D>>;
  /** data of a request that must not have errors. */
  data<D = Record<string, unknown>>(as: TestViewer, query: string, variables?: Record<string, unknown>): Promise<D>;
  /** Runs the request and counts the SQL statements it caused (requests must not overlap). */
  countStatements<D = Record<string, unknown>>(as: TestViewer, query: string, variables?: Record<string, unknown>): Promise<{ res: GqlResponse<D>; statements: number }>;
  close(): Promise<void>;
}

export interface SubgraphHarnessOptions {
  /** A database to use, or how to make one (default: a fresh database on the real PostgreSQL). */
  database?: TestDatabase | ((service: string) => Promise<TestDatabase>);
  /** Load the subgraph's demo data (default true). */
  seed?: boolean;
  /** Stand-ins for the other subgraphs it calls (default: none reachable). */
  peers?: Peers;
}

/**
 * One subgraph on a fresh database, migrated and (by default) seeded, on a free port, called the way the
 * gateway calls it (a signed viewer header). Statements are counted from the per-request SQL metric, so
 * background work (relay, consumers, jobs) never counts.
 */
export async function startSubgraphForTest(def: Subgraph, opts: SubgraphHarnessOptions = {}): Promise<SubgraphHarness> {
  const given = opts.database ?? createTestDatabase;
  const tdb = typeof given === 'function' ? await given(def.name) : given;
  let running: RunningSubgraph | undefined;
  try {
    running = await startSubgraph(def, { db: tdb.db, config: testConfig(), port: 0, peers: opts.peers ?? unreachablePeers });
    if (opts.seed !== false) await def.seed(tdb.db);
  } catch (e) {
    await running?.stop();
    await tdb.drop();
    throw e;
  }
  const url = `http://127.0.0.1:${running.port}/graphql`;
  const gql = <D>(as: TestViewer, query: string, variables: Record<string, unknown> = {}) => postGraphQL<D>(url, query, variables, signedHeaders(as));
  const harness: SubgraphHarness = {
    db: tdb.db,
    url,
    running,
    gql,
    async data<D>(as: TestViewer, query: string, variables: Record<string, unknown> = {}) {
      const res = await gql<D>(as, query, variables);
      if (res.errors?.length || !res.data) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
      return res.data;
    },
    async countStatements<D>(as: TestViewer, query: string, variables: Record<string, unknown> = {}) {
      const before = await requestSqlStatements(def.name);
      const res = await gql<D>(as, query, variables);
      return { res, statements: (await requestSqlStatements(def.name)) - before };
    },
    async close() {
      await running.stop();
      await tdb.drop();
    },
  };
  return harness;
}

/** The codes of the GraphQL errors of a response. */
export const errorCodes = (res: GqlResponse): unknown[] => (res.errors ?? []).map((e) => e.extensions?.code);
