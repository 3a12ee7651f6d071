import { encodeCursor } from '@retail/platform';
import { errorCodes, type SubgraphHarness } from '@retail/platform/testing';
import { DEMO_GUIDES, DEMO_STORES } from '@retail/stores/demo';
import { DEMO_MEMBERS } from '../src/demo/data';
import { as } from './callers';
import { startMembers } from './members-under-test';

// Lists: keyset pages newest first, first clamped to 1..100, and SQL statements that do not grow with the list.

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startMembers();
});
afterAll(async () => {
  await h?.close();
});

type Page = { members: { totalCount: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
const PAGE = `query($first: Int, $after: String) { members(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;

const newest = [...DEMO_MEMBERS].sort((a, b) => b.joinedAt.localeCompare(a.joinedAt) || b.id.localeCompare(a.id)).map((m) => m.id);

describe('members pages', () => {
  it('pages newest first with keyset cursors', async () => {
    const first = await h.data<Page>(as.platform, PAGE, { first: 30 });
    expect(first.members.edges.map((e) => e.node.id)).toEqual(newest.slice(0, 30));
    expect(first.members.pageInfo).toEqual({ hasNextPage: true, endCursor: first.members.edges[29]!.cursor });
    // The rest, page by page: every member once, in order, and the last page says so.
    const rest: string[] = [];
    let after = first.members.pageInfo.endCursor;
    for (;;) {
      const next = await h.data<Page>(as.platform, PAGE, { first: 100, after });
      rest.push(...next.members.edges.map((e) => e.node.id));
      expect(next.members.totalCount).toBe(DEMO_MEMBERS.length);
      if (!next.members.pageInfo.hasNextPage) break;
      after = next.members.pageInfo.endCursor;
    }
    expect(rest).toEqual(newest.slice(30));
  });

  it('clamps first to 1..100', async () => {
    expect((await h.data<Page>(as.platform, PAGE, { first: 0 })).members.edges).toHaveLength(1);
    expect((await h.data<Page>(as.platform, PAGE, { first: 1000 })).members.edges).toHaveLength(100);
    expect((await h.data<Page>(as.platform, PAGE, {})).members.edges).toHaveLength(20);
  });

  it('refuses malformed and foreign cursors with BAD_USER_INPUT', async () => {
    for (const after of ['nope', encodeCursor(['a', 'b']), encodeCursor([1])]) {
      expect(errorCodes(await h.gql(as.platform, PAGE, { after }))).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('SQL statements per request', () => {
  const LIST = `query($n: Int!) { members(first: $n) { totalCount edges { node {
    id oneId phoneMasked tier { code name rank } guide { id } homeStore { id } brand { id }
    joinSource { channel store { id } guide { id } } identities { channel externalId } guideHistory { guide { id } reason } } } } }`;

  it('lists 5 and 50 members with guide, store, tier, identities and guide history in the same number of statements', async () => {
    const small = await h.countStatements<{ members: { edges: unknown[] } }>(as.lngAdmin, LIST, { n: 5 });
    const large = await h.countStatements<{ members: { edges: unknown[] } }>(as.lngAdmin, LIST, { n: 50 });
    expect(small.res.errors).toBeUndefined();
    expect(large.res.data!.members.edges).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
    // pinned: the page (with its count and tiers), identities, guide history
    expect(large.statements).toBe(3);
  });

  it('resolves 2 and 40 Member entities in one statement', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id tier { code } guide { id } } } }`;
    const reps = (n: number) => newest.slice(0, n).map((id) => ({ __typename: 'Member', id }));
    const small = await h.countStatements(as.platform, q, { r: reps(2) });
    const large = await h.countStatements(as.platform, q, { r: reps(40) });
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBe(1);
  });

  it("lists the members of 2 and of 20 stores, and the customers of 2 and of 40 guides, in the same number of statements", async () => {
    const stores = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { members(first: 5) { totalCount edges { node { id tier { code } identities { channel } } } } } } }`;
    const storeReps = (n: number) => DEMO_STORES.slice(0, n).map((s) => ({ __typename: 'Store', id: s.id }));
    const s2 = await h.countStatements(as.platform, stores, { r: storeReps(2) });
    const s20 = await h.countStatements(as.platform, stores, { r: storeReps(20) });
    expect(s20.res.errors).toBeUndefined();
    expect(s20.statements).toBe(s2.statements);
    expect(s20.statements).toBe(3); // stores in scope, the pages, identities

    const guides = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Guide { customers(first: 5) { totalCount edges { node { id guideHistory { reason } } } } } } }`;
    const guideReps = (n: number) => DEMO_GUIDES.slice(0, n).map((g) => ({ __typename: 'Guide', id: g.id }));
    const g2 = await h.countStatements(as.lngAdmin, guides, { r: guideReps(2) });
    const g40 = await h.countStatements(as.lngAdmin, guides, { r: guideReps(40) });
    expect(g40.res.errors).toBeUndefined();
    expect(g40.statements).toBe(g2.statements);
    expect(g40.statements).toBe(3); // guides in scope, the pages, guide history
  });
});
