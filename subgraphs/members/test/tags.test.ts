import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { membersSubgraph } from '../src';
import { DEMO_MEMBER_TAGS, DEMO_MEMBERS, DEMO_TAGS } from '../src/demo/data';
import { as } from './callers';
import { demoStoresPeer, startMembers, type UserError } from './members-under-test';

// Tags (标签) and segments (圈层): createTag, tagMembers / untagMembers with their fences, Query.tags, Tag.memberCount,
// Member.tags and the tag filter (members carrying all the tags) of Query.members and Store.members.

let h: SubgraphHarness;
const stores = demoStoresPeer();
beforeAll(async () => {
  h = await startMembers(stores);
});
afterAll(async () => {
  await h?.close();
});

const CREATE = `mutation($input: CreateTagInput!) { createTag(input: $input) { tag { id name createdAt brand { id } memberCount } userErrors { code field } } }`;
const TAG = `mutation($input: TagMembersInput!) { tagMembers(input: $input) { addedCount userErrors { code field } } }`;
const UNTAG = `mutation($input: UntagMembersInput!) { untagMembers(input: $input) { removedCount userErrors { code field } } }`;

type Created = { tag: { id: string; name: string; brand: { id: string }; memberCount: number } | null; userErrors: UserError[] };

async function createTag(viewer: TestViewer, brandId: string, name: string): Promise<Created> {
  return (await h.data<{ createTag: Created }>(viewer, CREATE, { input: { brandId, name } })).createTag;
}

let seq = 0;
/** A new tag of the brand, made by its admin. */
async function freshTag(brandId = 'brand-lng'): Promise<string> {
  const r = await createTag(brandId === 'brand-lng' ? as.lngAdmin : as.csmAdmin, brandId, `测试标签-${++seq}`);
  expect(r.userErrors).toEqual([]);
  return r.tag!.id;
}

async function tag(viewer: TestViewer, memberIds: string[], tagIds: string[]) {
  return (await h.data<{ tagMembers: { addedCount: number; userErrors: UserError[] } }>(viewer, TAG, { input: { memberIds, tagIds } })).tagMembers;
}
async function untag(viewer: TestViewer, memberIds: string[], tagIds: string[]) {
  return (await h.data<{ untagMembers: { removedCount: number; userErrors: UserError[] } }>(viewer, UNTAG, { input: { memberIds, tagIds } })).untagMembers;
}

const pairsOf = async (tagId: string) =>
  (await h.db.query<{ memberId: string }>(`SELECT member_id AS "memberId" FROM members.member_tag WHERE tag_id = $1 ORDER BY member_id`, [tagId])).map((r) => r.memberId);

/** Demo members by a condition, ids sorted. */
const demo = (f: (m: (typeof DEMO_MEMBERS)[number]) => boolean) => DEMO_MEMBERS.filter(f).map((m) => m.id).sort();
/** Demo members carrying every one of the tags. */
const carrying = (...tagIds: string[]) => demo((m) => tagIds.every((t) => DEMO_MEMBER_TAGS.some((p) => p.memberId === m.id && p.tagId === t)));

describe('createTag', () => {
  it('creates a tag of the brand; the name is unique within the brand (ALREADY_EXISTS), not across brands', async () => {
    const r = await createTag(as.lngAdmin, 'brand-lng', ' 爱露营 ');
    expect(r.userErrors).toEqual([]);
    expect(r.tag).toMatchObject({ name: '爱露营', brand: { id: 'brand-lng' }, memberCount: 0 });
    expect(r.tag!.id).toMatch(/^tag-[0-9a-f-]{36}$/);
    expect((await createTag(as.lngAdmin, 'brand-lng', '爱露营')).userErrors).toEqual([{ code: 'ALREADY_EXISTS', field: ['input', 'name'] }]);
    expect((await createTag(as.platform, 'brand-lng', '  爱露营')).userErrors).toEqual([{ code: 'ALREADY_EXISTS', field: ['input', 'name'] }]);
    expect((await createTag(as.csmAdmin, 'brand-csm', '爱露营')).userErrors).toEqual([]);
  });

  it("is for the brand's admins and the platform only", async () => {
    for (const viewer of [as.csmAdmin, as.lngFranchiseeA, as.lngStaff03, as.lngGuide031, as.lngMember1, as.partner]) {
      expect((await createTag(viewer, 'brand-lng', '不许建')).userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'brandId'] }]);
    }
    expect((await createTag(as.platform, 'brand-nope', '无主')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'brandId'] }]);
    expect((await createTag(as.lngAdmin, 'brand-lng', '   ')).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'name'] }]);
    expect((await createTag(as.lngAdmin, 'brand-lng', '长'.repeat(31))).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'name'] }]);
  });
});

describe('Query.tags', () => {
  const TAGS = `query($brandId: ID!, $first: Int, $after: String) { tags(brandId: $brandId, first: $first, after: $after) {
    totalCount edges { node { id name } } pageInfo { hasNextPage endCursor } } }`;
  type Tags = { tags: { totalCount: number; edges: { node: { id: string; name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

  it("pages a brand's tags by name", async () => {
    const byName = (await h.db.query<{ id: string }>(`SELECT id FROM members.tag WHERE brand_id = 'brand-csm' ORDER BY name, id`)).map((r) => r.id);
    expect(byName.length).toBeGreaterThan(5);
    const first = await h.data<Tags>(as.csmAdmin, TAGS, { brandId: 'brand-csm', first: 3 });
    const rest = await h.data<Tags>(as.csmAdmin, TAGS, { brandId: 'brand-csm', first: 100, after: first.tags.pageInfo.endCursor });
    expect([...first.tags.edges, ...rest.tags.edges].map((e) => e.node.id)).toEqual(byName);
    expect(first.tags).toMatchObject({ totalCount: byName.length, pageInfo: { hasNextPage: true } });
    expect(rest.tags.pageInfo.hasNextPage).toBe(false);
    // The demo's tags are there, by their names.
    expect(new Set(byName)).toEqual(new Set([...DEMO_TAGS.filter((t) => t.brandId === 'brand-csm').map((t) => t.id), ...byName.filter((id) => !id.startsWith('tag-csm-'))]));
  });

  it("shows a brand's tags to those working for it, not to members, partners or another brand", async () => {
    const count = DEMO_TAGS.filter((t) => t.brandId === 'brand-lng').length;
    for (const viewer of [as.lngGuide031, as.lngStaff03, as.lngFranchiseeA, as.platform]) {
      expect((await h.data<Tags>(viewer, TAGS, { brandId: 'brand-lng', first: 100 })).tags.totalCount).toBeGreaterThanOrEqual(count);
    }
    for (const viewer of [as.csmAdmin, as.lngMember1, as.partner]) {
      expect((await h.data<Tags>(viewer, TAGS, { brandId: 'brand-lng', first: 100 })).tags).toMatchObject({ totalCount: 0, edges: [] });
    }
  });
});

describe('tagMembers and untagMembers', () => {
  it('counts only the pairs added or removed, so doing it twice has one effect', async () => {
    const [a, b] = [await freshTag(), await freshTag()];
    const members = ['mem-lng-0001', 'mem-lng-0002', 'mem-lng-0003'];
    expect(await tag(as.lngAdmin, members, [a, b])).toEqual({ addedCount: 6, userErrors: [] });
    expect(await tag(as.lngAdmin, members, [a, b])).toEqual({ addedCount: 0, userErrors: [] });
    // Repeated ids in one call count once; only the new member's pair is added.
    expect(await tag(as.lngAdmin, ['mem-lng-0003', 'mem-lng-0004', 'mem-lng-0004'], [a, a])).toEqual({ addedCount: 1, userErrors: [] });
    expect(await pairsOf(a)).toEqual(['mem-lng-0001', 'mem-lng-0002', 'mem-lng-0003', 'mem-lng-0004']);
    expect(await untag(as.lngAdmin, ['mem-lng-0001', 'mem-lng-0004', 'mem-lng-0005'], [a, b])).toEqual({ removedCount: 3, userErrors: [] });
    expect(await untag(as.lngAdmin, ['mem-lng-0001', 'mem-lng-0004', 'mem-lng-0005'], [a, b])).toEqual({ removedCount: 0, userErrors: [] });
    expect(await pairsOf(a)).toEqual(['mem-lng-0002', 'mem-lng-0003']);
    expect(await pairsOf(b)).toEqual(['mem-lng-0002', 'mem-lng-0003']);
  });

  it('lets parallel taggings of the same pairs add each pair once', async () => {
    const t = await freshTag();
    const members = ['mem-lng-0011', 'mem-lng-0012', 'mem-lng-0013', 'mem-lng-0014'];
    const results = await Promise.all(Array.from({ length: 8 }, () => tag(as.lngAdmin, members, [t])));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(results.reduce((n, r) => n + r.addedCount, 0)).toBe(4);
    expect(await pairsOf(t)).toEqual(members);
  });

  it('lets a guide tag its own customers only', async () => {
    const t = await freshTag();
    // mem-lng-0007 and mem-lng-0037 are among gd-lng-03-1's customers; mem-lng-0017 is gd-lng-03-2's.
    expect(demo((m) => m.guideId === 'gd-lng-03-1')).toEqual(expect.arrayContaining(['mem-lng-0007', 'mem-lng-0037']));
    expect(demo((m) => m.guideId === 'gd-lng-03-2')).toContain('mem-lng-0017');
    expect(await tag(as.lngGuide031, ['mem-lng-0007', 'mem-lng-0037'], [t])).toEqual({ addedCount: 2, userErrors: [] });
    expect(await tag(as.lngGuide031, ['mem-lng-0037', 'mem-lng-0017'], [t])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberIds', '1'] }] });
    expect(await untag(as.lngGuide032, ['mem-lng-0007'], [t])).toEqual({ removedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberIds', '0'] }] });
    expect(await pairsOf(t)).toEqual(['mem-lng-0007', 'mem-lng-0037']);
  });

  it("lets a franchisee tag its stores' members and a store's staff its store's members", async () => {
    const t = await freshTag();
    // fr-lng-a operates store-lng-03 (mem-lng-0007 …) and store-lng-04 (mem-lng-0010 …); store-lng-06 (mem-lng-0026) is fr-lng-b's.
    expect(await tag(as.lngFranchiseeA, ['mem-lng-0007', 'mem-lng-0010'], [t])).toEqual({ addedCount: 2, userErrors: [] });
    expect(await tag(as.lngFranchiseeA, ['mem-lng-0026'], [t])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberIds', '0'] }] });
    expect(await tag(as.lngFranchiseeB, ['mem-lng-0026'], [t])).toEqual({ addedCount: 1, userErrors: [] });
    expect(await tag(as.lngStaff03, ['mem-lng-0017', 'mem-lng-0020'], [t])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberIds', '1'] }] });
    expect(await tag(as.lngStaff03, ['mem-lng-0017'], [t])).toEqual({ addedCount: 1, userErrors: [] });
    expect(await pairsOf(t)).toEqual(['mem-lng-0007', 'mem-lng-0010', 'mem-lng-0017', 'mem-lng-0026']);
  });

  it('fences a franchisee by who operates the store now, not by a directory that lags behind a handover', async () => {
    const t = await freshTag();
    stores.handOver('store-lng-03', 'fr-lng-b');
    try {
      expect(await tag(as.lngFranchiseeA, ['mem-lng-0057'], [t])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberIds', '0'] }] });
      expect(await tag(as.lngFranchiseeB, ['mem-lng-0057'], [t])).toEqual({ addedCount: 1, userErrors: [] });
    } finally {
      stores.handOver('store-lng-03', 'fr-lng-a');
    }
  });

  it('refuses other brands, members and partners, foreign tags, mixed brands and oversized lists', async () => {
    const lngTag = await freshTag();
    const csmTag = await freshTag('brand-csm');
    expect(await tag(as.csmAdmin, ['mem-lng-0001'], [csmTag])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberIds', '0'] }] });
    expect(await tag(as.csmAdmin, ['mem-csm-0001'], [lngTag])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'tagIds', '0'] }] });
    expect(await tag(as.lngAdmin, ['mem-lng-0001'], ['tag-nope', lngTag])).toEqual({ addedCount: 0, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'tagIds', '0'] }] });
    expect(await tag(as.platform, ['mem-lng-0001', 'mem-csm-0001'], [lngTag])).toEqual({ addedCount: 0, userErrors: [{ code: 'BRAND_MISMATCH', field: ['input', 'tagIds'] }] });
    expect(await tag(as.platform, ['mem-csm-0001'], [lngTag])).toEqual({ addedCount: 0, userErrors: [{ code: 'BRAND_MISMATCH', field: ['input', 'tagIds'] }] });
    for (const viewer of [as.lngMember1, as.partner]) {
      expect((await tag(viewer, ['mem-lng-0001'], [lngTag])).userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'memberIds'] }]);
    }
    expect(errorCodes(await h.gql(as.anonymous, TAG, { input: { memberIds: ['mem-lng-0001'], tagIds: [lngTag] } }))).toEqual(['UNAUTHENTICATED']);
    const many = Array.from({ length: 1001 }, (_, i) => `mem-x-${i}`);
    expect((await tag(as.lngAdmin, many, [lngTag])).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'memberIds'] }]);
    expect((await untag(as.lngAdmin, [], [])).userErrors).toEqual([
      { code: 'INVALID_INPUT', field: ['input', 'memberIds'] },
      { code: 'INVALID_INPUT', field: ['input', 'tagIds'] },
    ]);
    expect(await pairsOf(lngTag)).toEqual([]);
    expect(await pairsOf(csmTag)).toEqual([]);
  });
});

describe('segments: the tag filter', () => {
  const LIST = `query($filter: MemberFilter) { members(filter: $filter, first: 100) { totalCount edges { node { id } } } }`;
  type List = { members: { totalCount: number; edges: { node: { id: string } }[] } };
  const ids = (l: List) => l.members.edges.map((e) => e.node.id).sort();

  it('lists the members carrying ALL the given tags', async () => {
    const one = await h.data<List>(as.lngAdmin, LIST, { filter: { tagIds: ['tag-lng-night-owl'] } });
    const both = await h.data<List>(as.lngAdmin, LIST, { filter: { tagIds: ['tag-lng-night-owl', 'tag-lng-commuter'] } });
    const three = await h.data<List>(as.lngAdmin, LIST, { filter: { tagIds: ['tag-lng-night-owl', 'tag-lng-commuter', 'tag-lng-livestream', 'tag-lng-commuter'] } });
    expect(ids(one)).toEqual(carrying('tag-lng-night-owl'));
    expect(ids(both)).toEqual(carrying('tag-lng-night-owl', 'tag-lng-commuter'));
    expect(ids(three)).toEqual(carrying('tag-lng-night-owl', 'tag-lng-commuter', 'tag-lng-livestream'));
    // The demo has segments of all sizes: each narrows the one before.
    expect(ids(one).length).toBeGreaterThan(ids(both).length);
    expect(ids(both).length).toBeGreaterThan(ids(three).length);
    expect(ids(three).length).toBeGreaterThan(0);
    expect(both.members.totalCount).toBe(ids(both).length);
    // With other conditions, another brand's tag, an unknown tag.
    const gold = await h.data<List>(as.lngAdmin, LIST, { filter: { tagIds: ['tag-lng-commuter'], tierCode: 'GOLD' } });
    expect(ids(gold)).toEqual(carrying('tag-lng-commuter').filter((id) => DEMO_MEMBERS.find((m) => m.id === id)!.tierCode === 'GOLD'));
    expect((await h.data<List>(as.platform, LIST, { filter: { tagIds: ['tag-lng-commuter', 'tag-csm-night-owl'] } })).members.totalCount).toBe(0);
    expect((await h.data<List>(as.lngAdmin, LIST, { filter: { tagIds: ['tag-nope'] } })).members.totalCount).toBe(0);
    expect((await h.data<List>(as.lngAdmin, LIST, { filter: { tagIds: [] } })).members.totalCount).toBe(demo((m) => m.brandId === 'brand-lng').length);
  });

  it('stays inside the fence: a guide segments its own customers', async () => {
    const mine = demo((m) => m.guideId === 'gd-lng-03-1');
    const l = await h.data<List>(as.lngGuide031, LIST, { filter: { tagIds: ['tag-lng-sporty'] } });
    expect(ids(l)).toEqual(carrying('tag-lng-sporty').filter((id) => mine.includes(id)));
  });

  it('filters Store.members by tags', async () => {
    const q = `query($r: [_Any!]!, $tags: [ID!]) { _entities(representations: $r) { ... on Store { id members(filter: { tagIds: $tags }, first: 100) { totalCount edges { node { id } } } } } }`;
    type Stores = { _entities: { id: string; members: { totalCount: number; edges: { node: { id: string } }[] } | null }[] };
    const r = [{ __typename: 'Store', id: 'store-lng-03' }, { __typename: 'Store', id: 'store-lng-04' }];
    for (const tags of [['tag-lng-night-owl'], ['tag-lng-night-owl', 'tag-lng-commuter'], ['tag-lng-night-owl', 'tag-lng-livestream']]) {
      const res = await h.data<Stores>(as.lngFranchiseeA, q, { r, tags });
      for (const s of res._entities) {
        expect(s.members!.edges.map((e) => e.node.id).sort()).toEqual(carrying(...tags).filter((id) => DEMO_MEMBERS.find((m) => m.id === id)!.joinStoreId === s.id));
      }
    }
    // store-lng-03 has members carrying both night-owl and commuter, and fewer carrying night-owl and livestream too.
    const narrow = await h.data<Stores>(as.lngStaff03, q, { r: [r[0]], tags: ['tag-lng-night-owl', 'tag-lng-commuter', 'tag-lng-livestream'] });
    expect(narrow._entities[0]!.members!.edges.map((e) => e.node.id)).toEqual(['mem-lng-0047']);
  });

  it('refuses more than 100 tags in a filter with BAD_USER_INPUT', async () => {
    const res = await h.gql(as.lngAdmin, LIST, { filter: { tagIds: Array.from({ length: 101 }, (_, i) => `tag-${i}`) } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('demo tags and tier rules', () => {
  it('seeds tags on a share of the members and tier rules once: a second run changes nothing, nor undoes an untagging', async () => {
    const snapshot = async () => ({
      tags: await h.db.query(`SELECT id, brand_id, name, created_at FROM members.tag ORDER BY id`),
      pairs: await h.db.query(`SELECT member_id, tag_id, tagged_at FROM members.member_tag ORDER BY member_id, tag_id`),
      rules: await h.db.query(`SELECT brand_id, window_days, currency, updated_at FROM members.tier_rule ORDER BY brand_id`),
      tiers: await h.db.query(`SELECT brand_id, code, min_spend_fen, min_points_earned FROM members.tier ORDER BY brand_id, rank`),
    });
    const demoPairs = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM members.member_tag WHERE tag_id LIKE 'tag-lng-%' OR tag_id LIKE 'tag-csm-%'`);
    expect(demoPairs[0]!.n).toBe(DEMO_MEMBER_TAGS.length);
    for (const brandId of ['brand-lng', 'brand-csm']) {
      const members = DEMO_MEMBERS.filter((m) => m.brandId === brandId).length;
      const tags = DEMO_TAGS.filter((t) => t.brandId === brandId);
      expect(tags.length).toBeGreaterThanOrEqual(5);
      for (const t of tags) {
        const n = DEMO_MEMBER_TAGS.filter((p) => p.tagId === t.id).length;
        expect([t.name, n > 0 && n < members / 2]).toEqual([t.name, true]);
      }
    }
    expect(await untag(as.lngAdmin, ['mem-lng-0047'], ['tag-lng-sporty'])).toEqual({ removedCount: 1, userErrors: [] });
    const before = await snapshot();
    await membersSubgraph.seed(h.db);
    expect(await snapshot()).toEqual(before);
    expect(await tag(as.lngAdmin, ['mem-lng-0047'], ['tag-lng-sporty'])).toEqual({ addedCount: 1, userErrors: [] });
  });
});

describe('Member.tags and Tag.memberCount', () => {
  const MEMBER = `query($id: ID!) { member(id: $id) { id tags { id name brand { id } } } }`;
  type One = { member: { id: string; tags: { id: string; name: string; brand: { id: string } }[] } | null };

  it("shows a member's tags by name to staff, none to the member itself", async () => {
    const expected = DEMO_MEMBER_TAGS.filter((p) => p.memberId === 'mem-lng-0047').map((p) => p.tagId);
    expect(expected.length).toBeGreaterThan(2);
    const staff = await h.data<One>(as.lngStaff03, MEMBER, { id: 'mem-lng-0047' });
    expect(staff.member!.tags.map((t) => t.id).sort()).toEqual([...expected].sort());
    const names = staff.member!.tags.map((t) => t.name);
    const sorted = (await h.db.query<{ name: string }>(`SELECT name FROM members.tag WHERE id = ANY($1::text[]) ORDER BY name`, [expected])).map((r) => r.name);
    expect(names).toEqual(sorted);
    expect(staff.member!.tags.every((t) => t.brand.id === 'brand-lng')).toBe(true);
    const self = await h.data<One>(as.lngMember1, MEMBER, { id: 'mem-lng-0001' });
    expect(self.member).toEqual({ id: 'mem-lng-0001', tags: [] });
  });

  it('counts the members carrying a tag that the caller may see', async () => {
    const q = `query { tags(brandId: "brand-lng", first: 100) { edges { node { id memberCount } } } }`;
    type Counts = { tags: { edges: { node: { id: string; memberCount: number } }[] } };
    const countOf = (c: Counts, id: string) => c.tags.edges.find((e) => e.node.id === id)!.node.memberCount;
    const admin = await h.data<Counts>(as.lngAdmin, q);
    const guide = await h.data<Counts>(as.lngGuide031, q);
    for (const t of ['tag-lng-commuter', 'tag-lng-night-owl', 'tag-lng-sporty']) {
      expect(countOf(admin, t)).toBe(carrying(t).length);
      expect(countOf(guide, t)).toBe(carrying(t).filter((id) => DEMO_MEMBERS.find((m) => m.id === id)!.guideId === 'gd-lng-03-1').length);
    }
    // the guide's count is a real subset: fewer than the brand's, more than none
    expect(countOf(guide, 'tag-lng-sporty')).toBeGreaterThan(0);
    expect(countOf(guide, 'tag-lng-sporty')).toBeLessThan(countOf(admin, 'tag-lng-sporty'));
  });

  it('lists 5 and 50 members with their tags, and tags with their counts, in the same number of statements', async () => {
    const LIST = `query($n: Int!) { members(first: $n) { edges { node { id tags { id name memberCount brand { id } } } } } }`;
    const small = await h.countStatements<{ members: { edges: unknown[] } }>(as.lngAdmin, LIST, { n: 5 });
    const large = await h.countStatements<{ members: { edges: { node: { tags: unknown[] } }[] } }>(as.lngAdmin, LIST, { n: 50 });
    expect(small.res.errors).toBeUndefined();
    expect(large.res.data!.members.edges).toHaveLength(50);
    expect(large.res.data!.members.edges.some((e) => e.node.tags.length > 1)).toBe(true);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBe(3); // the page, the members' tags, the tags' counts

    const TAGS = `query($n: Int!) { tags(brandId: "brand-lng", first: $n) { totalCount edges { node { id memberCount brand { id } } } } }`;
    const few = await h.countStatements(as.lngAdmin, TAGS, { n: 2 });
    const all = await h.countStatements(as.lngAdmin, TAGS, { n: 100 });
    expect(all.res.errors).toBeUndefined();
    expect(all.statements).toBe(few.statements);
    expect(all.statements).toBe(2); // the page, the counts
  });
});
