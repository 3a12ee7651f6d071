import { startSubgraph, type RunningSubgraph, type ViewerRole, type Viewer } from '@retail/platform';
import { createTestDatabase, postGraphQL, signedHeaders, testConfig, type GqlResponse, type TestDatabase } from '@retail/platform/testing';
import { storesSubgraph } from '../src';
import { seedStores } from '../src/seed';

export type As = Partial<Viewer> & { role: ViewerRole };

/** Well-known callers over the demo data. */
export const CALLERS = {
  platform: { role: 'PLATFORM_ADMIN' },
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['stores:admin'] },
  lngAdminNoScope: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm', scopes: ['stores:admin'] },
  lngA: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' },
  lngB: { role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' },
  staff03: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03' },
  guide03: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' },
  member: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mb-1' },
  partner: { role: 'PARTNER', partnerBrandId: 'brand-csm' },
  anonymous: { role: 'ANONYMOUS' },
} satisfies Record<string, As>;

export interface StoresHarness {
  db: TestDatabase['db'];
  url: string;
  running: RunningSubgraph;
  gql<D = Record<string, unknown>>(as: As, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<D>>;
  /** data of a request that must not have errors. */
  data<D = Record<string, unknown>>(as: As, query: string, variables?: Record<string, unknown>): Promise<D>;
  close(): Promise<void>;
}

/** The stores subgraph on a fresh real-PostgreSQL database, migrated and seeded with the demo data. */
export async function startStores(database?: TestDatabase): Promise<StoresHarness> {
  const tdb = database ?? (await createTestDatabase('stores'));
  const running = await startSubgraph(storesSubgraph, { db: tdb.db, config: testConfig(), port: 0 });
  await seedStores(tdb.db);
  const url = `http://127.0.0.1:${running.port}/graphql`;
  const gql = <D>(as: As, query: string, variables: Record<string, unknown> = {}) => postGraphQL<D>(url, query, variables, signedHeaders(as));
  return {
    db: tdb.db,
    url,
    running,
    gql,
    async data<D>(as: As, query: string, variables: Record<string, unknown> = {}) {
      const res = await gql<D>(as, query, variables);
      if (res.errors?.length || !res.data) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
      return res.data;
    },
    async close() {
      await running.stop();
      await tdb.drop();
    },
  };
}
