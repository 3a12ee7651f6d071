import { requestSqlStatements } from '@retail/platform/testing';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { storesSubgraph } from '../src';
import { CALLERS } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(storesSubgraph);
});
afterAll(async () => {
  await h.close();
});

type Page = { stores: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: { id: string; code: string } }[] } };
const PAGE = `query($first: Int, $after: String) { stores(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id code } } } }`;

describe('stores pagination', () => {
  test('keyset cursors walk every store once, ordered by code then id', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const d: Page = await h.data<Page>(CALLERS.platform, PAGE, { first: 5, after });
      expect(d.stores.totalCount).toBe(21);
      seen.push(...d.stores.edges.map((e) => e.node.code));
      expect(d.stores.pageInfo.endCursor).toBe(d.stores.edges.at(-1)?.cursor ?? null);
      if (!d.stores.pageInfo.hasNextPage) break;
      after = d.stores.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(21);
    expect(seen).toEqual([...seen].sort());
  });

  test('first is clamped to 1..100', async () => {
    expect((await h.data<Page>(CALLERS.platform, PAGE, { first: 0 })).stores.edges).toHaveLength(1);
    expect((await h.data<Page>(CALLERS.platform, PAGE, { first: -5 })).stores.edges).toHaveLength(1);
    const all = await h.data<Page>(CALLERS.platform, PAGE, { first: 100000 });
    expect(all.stores.edges).toHaveLength(21);
    expect(all.stores.pageInfo.hasNextPage).toBe(false);
  });

  test('past the end: no edges, the total still counts', async () => {
    const last = await h.data<Page>(CALLERS.platform, PAGE, { first: 100 });
    const after = await h.data<Page>(CALLERS.platform, PAGE, { first: 5, after: last.stores.pageInfo.endCursor });
    expect(after.stores).toEqual({ totalCount: 21, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  test('a malformed cursor is BAD_USER_INPUT', async () => {
    for (const after of ['not a cursor', 'Zm9v', Buffer.from('c1:[1,2]').toString('base64url')]) {
      const res = await h.gql(CALLERS.platform, PAGE, { first: 5, after });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const nested = await h.gql(CALLERS.platform, `{ store(id: "store-lng-01") { guides(after: "garbage!") { totalCount } } }`);
    expect(nested.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('nested lists page per parent with the same cursors', async () => {
    type G = { store: { guides: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } } };
    const Q = `query($after: String) { store(id: "store-lng-01") { guides(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`;
    const one = await h.data<G>(CALLERS.lngAdmin, Q);
    const two = await h.data<G>(CALLERS.lngAdmin, Q, { after: one.store.guides.pageInfo.endCursor });
    expect(one.store.guides).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    expect(two.store.guides).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false } });
    const ids = [...one.store.guides.edges, ...two.store.guides.edges].map((e) => e.node.id);
    expect(new Set(ids)).toEqual(new Set(['gd-lng-01-1', 'gd-lng-01-2', 'gd-lng-01-3', 'gd-lng-01-4']));
  });
});

describe('efficiency: SQL statements do not grow with the list', () => {
  const statements = () => requestSqlStatements('stores');

  async function statementsFor(first: number): Promise<{ count: number; stores: number }> {
    const before = await statements();
    const d = await h.data<{ stores: { edges: unknown[] } }>(
      CALLERS.platform,
      `query($first: Int) { stores(first: $first) { totalCount edges { node {
          id name address { city } openingHours { dayOfWeek opens closes }
          brand { code group franchisees(first: 5) { totalCount edges { node { name } } } }
          franchisee { name kind brand { code } stores(first: 3) { totalCount edges { node { code guides(first: 2) { totalCount } } } } }
          guides(first: 10) { totalCount edges { node { name status store { code } } } }
      } } } }`,
      { first },
    );
    return { count: (await statements()) - before, stores: d.stores.edges.length };
  }

  test('stores(first: 5) and stores(first: 20) with everything nested cost the same statements', async () => {
    const small = await statementsFor(5);
    const large = await statementsFor(20);
    expect(small.stores).toBe(5);
    expect(large.stores).toBe(20);
    expect(large.count).toBe(small.count);
    // One each: stores, opening hours, brands, brands' operators, operators, operators' stores, and guides
    // twice (two different `first`); guide.store comes from the stores already read.
    expect(large.count).toBe(8);
  });

  test('_entities for many stores is one statement per entity type', async () => {
    const reps = Array.from({ length: 11 }, (_, i) => ({ __typename: 'Store', id: `store-lng-${String(i + 1).padStart(2, '0')}` }));
    const before = await statements();
    const d = await h.data<{ _entities: unknown[] }>(CALLERS.lngAdmin, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { name brand { code } franchisee { name } } } }`, { r: reps });
    expect(d._entities).toHaveLength(11);
    expect((await statements()) - before).toBe(3);
  });
});
