import { startSubgraph, type Database, type RunningSubgraph, type Viewer, type ViewerRole } from '@retail/platform';
import { createTestDatabase, requestSqlStatements, postGraphQL, signedHeaders, testConfig, type GqlResponse, type TestDatabase } from '@retail/platform/testing';
import { productsSubgraph, seedProducts } from '../src';

export type TestViewer = Partial<Viewer> & { role: ViewerRole };

/** The callers the tests use. */
export const as = {
  anonymous: { role: 'ANONYMOUS' },
  platform: { role: 'PLATFORM_ADMIN' },
  service: { role: 'SERVICE' },
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['catalog:admin'] },
  lngAdminWithoutScope: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['catalog:admin'] },
  /** Operates store-lng-03 and store-lng-04 (scripts/demo/stores-data.ts). */
  lngFranchiseeA: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' },
  lngStaff01: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-01' },
  lngGuide01: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-01', guideId: 'guide-lng-01-01' },
  lngMember: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-1' },
} satisfies Record<string, TestViewer>;

export interface Harness {
  db: Database;
  url: string;
  gql<D = Record<string, unknown>>(viewer: TestViewer, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<D>>;
  /** Runs the request and returns how many SQL statements it caused (requests must not overlap). */
  countStatements(viewer: TestViewer, query: string, variables?: Record<string, unknown>): Promise<{ res: GqlResponse; statements: number }>;
  close(): Promise<void>;
}

const statementsSoFar = (service: string) => requestSqlStatements(service);

/** A seeded products subgraph on a fresh database (real PostgreSQL unless `database` says otherwise). */
export async function startProducts(database: (service: string) => Promise<TestDatabase> = createTestDatabase): Promise<Harness> {
  const testDb = await database('products-test');
  let running: RunningSubgraph | undefined;
  try {
    running = await startSubgraph(productsSubgraph, { db: testDb.db, config: testConfig(), port: 0 });
    await seedProducts(testDb.db);
  } catch (e) {
    await running?.stop();
    await testDb.drop();
    throw e;
  }
  const url = `http://127.0.0.1:${running.port}/graphql`;
  const gql = <D = Record<string, unknown>>(viewer: TestViewer, query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL<D>(url, query, variables, signedHeaders(viewer));
  return {
    db: testDb.db,
    url,
    gql,
    async countStatements(viewer, query, variables) {
      const before = await statementsSoFar(productsSubgraph.name);
      const res = await gql(viewer, query, variables);
      return { res, statements: (await statementsSoFar(productsSubgraph.name)) - before };
    },
    async close() {
      await running.stop();
      await testDb.drop();
    },
  };
}

/** The codes of the GraphQL errors of a response. */
export const errorCodes = (res: GqlResponse): unknown[] => (res.errors ?? []).map((e) => e.extensions?.code);
