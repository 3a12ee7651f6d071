import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { DEMO_GUIDES, DEMO_STORES } from '@retail/stores/demo';
import { DEMO_GUIDE_ASSIGNMENTS, DEMO_IDENTITIES, DEMO_MEMBERS, type DemoMember } from '../src/demo/data';
import { as } from './callers';
import { startMembers } from './members-under-test';

// Tenant fencing (docs/architecture.md §4) of members, for every role, on root fields, nested fields and _entities:
// a guide sees only its customers, a store's staff its store's members, a franchisee its stores' members, a brand
// its own, a member itself. Out of scope is not found: null, or left out of a list.

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startMembers();
});
afterAll(async () => {
  await h?.close();
});

type Reach = (m: DemoMember) => boolean;

interface Role {
  viewer: TestViewer;
  /** The members it may see. */
  sees: Reach;
  /** The stores whose members it may list (Store.members is null elsewhere). */
  stores: (storeId: string, brandId: string) => boolean;
  /** The guides whose customers it may list (Guide.customers is null elsewhere). */
  guides: (g: (typeof DEMO_GUIDES)[number]) => boolean;
}

const OPERATOR = new Map(DEMO_STORES.map((s) => [s.id, s.franchiseeId]));
const nobody = () => false;

const ROLES: [string, Role][] = [
  ['PLATFORM_ADMIN', { viewer: as.platform, sees: () => true, stores: () => true, guides: () => true }],
  ['SERVICE', { viewer: as.service, sees: () => true, stores: () => true, guides: () => true }],
  ['BRAND_ADMIN', { viewer: as.lngAdmin, sees: (m) => m.brandId === 'brand-lng', stores: (_s, b) => b === 'brand-lng', guides: (g) => g.brandId === 'brand-lng' }],
  ['another BRAND_ADMIN', { viewer: as.csmAdmin, sees: (m) => m.brandId === 'brand-csm', stores: (_s, b) => b === 'brand-csm', guides: (g) => g.brandId === 'brand-csm' }],
  [
    'FRANCHISEE',
    {
      viewer: as.lngFranchiseeA,
      sees: (m) => m.joinStoreId !== null && OPERATOR.get(m.joinStoreId) === 'fr-lng-a',
      stores: (s) => OPERATOR.get(s) === 'fr-lng-a',
      guides: (g) => OPERATOR.get(g.storeId) === 'fr-lng-a',
    },
  ],
  [
    'another FRANCHISEE',
    {
      viewer: as.lngFranchiseeB,
      sees: (m) => m.joinStoreId !== null && OPERATOR.get(m.joinStoreId) === 'fr-lng-b',
      stores: (s) => OPERATOR.get(s) === 'fr-lng-b',
      guides: (g) => OPERATOR.get(g.storeId) === 'fr-lng-b',
    },
  ],
  ['STORE_STAFF', { viewer: as.lngStaff03, sees: (m) => m.joinStoreId === 'store-lng-03', stores: (s) => s === 'store-lng-03', guides: (g) => g.storeId === 'store-lng-03' }],
  ['GUIDE', { viewer: as.lngGuide031, sees: (m) => m.guideId === 'gd-lng-03-1', stores: (s) => s === 'store-lng-03', guides: (g) => g.id === 'gd-lng-03-1' }],
  ['another GUIDE of the store', { viewer: as.lngGuide032, sees: (m) => m.guideId === 'gd-lng-03-2', stores: (s) => s === 'store-lng-03', guides: (g) => g.id === 'gd-lng-03-2' }],
  ['MEMBER', { viewer: as.lngMember1, sees: (m) => m.id === 'mem-lng-0001', stores: nobody, guides: nobody }],
  ['PARTNER', { viewer: as.partner, sees: nobody, stores: nobody, guides: nobody }],
];

const newestFirst = (a: DemoMember, b: DemoMember) => b.joinedAt.localeCompare(a.joinedAt) || b.id.localeCompare(a.id);
const idsOf = (reach: Reach) => DEMO_MEMBERS.filter(reach).sort(newestFirst).map((m) => m.id);

interface MemberNode {
  id: string;
  identities: { externalId: string }[];
  guideHistory: { guide: { id: string }; reason: string }[];
}

type Page = { totalCount: number; edges: { node: MemberNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const NODE = `id identities { externalId } guideHistory { guide { id } reason }`;

/** Every member of the root list, page by page (40 a page). */
async function listAll(viewer: TestViewer, filter: Record<string, unknown> = {}): Promise<{ total: number; nodes: MemberNode[] }> {
  const nodes: MemberNode[] = [];
  let after: string | null = null;
  let total = -1;
  for (;;) {
    const d: { members: Page } = await h.data<{ members: Page }>(
      viewer,
      `query($f: MemberFilter, $after: String) { members(filter: $f, first: 40, after: $after) { totalCount edges { node { ${NODE} } } pageInfo { hasNextPage endCursor } } }`,
      { f: filter, after },
    );
    total = d.members.totalCount;
    nodes.push(...d.members.edges.map((e) => e.node));
    if (!d.members.pageInfo.hasNextPage) return { total, nodes };
    after = d.members.pageInfo.endCursor;
  }
}

const demoIdentities = (id: string) => DEMO_IDENTITIES.filter((i) => i.memberId === id).map((i) => ({ externalId: i.externalId }));
const demoHistory = (id: string) =>
  DEMO_GUIDE_ASSIGNMENTS.filter((a) => a.memberId === id)
    .sort((a, b) => b.from.localeCompare(a.from))
    .map((a) => ({ guide: { id: a.guideId }, reason: a.reason }));

describe.each(ROLES)('%s', (_name, role) => {
  const visible = idsOf(role.sees);

  it('lists exactly its members on the root list, newest first, with their own identities and guide history', async () => {
    const { total, nodes } = await listAll(role.viewer);
    expect(nodes.map((n) => n.id)).toEqual(visible);
    expect(total).toBe(visible.length);
    for (const n of nodes) expect(n).toEqual({ id: n.id, identities: demoIdentities(n.id), guideHistory: demoHistory(n.id) });
  });

  it('finds its members by id and no others (root field)', async () => {
    const sample = [visible[0], ...idsOf((m) => !role.sees(m)).slice(0, 3)].filter((id): id is string => id !== undefined);
    const d = await h.data<Record<string, { id: string } | null>>(role.viewer, `{ ${sample.map((id, i) => `m${i}: member(id: "${id}") { id }`).join(' ')} }`);
    expect(sample.map((_, i) => d[`m${i}`]?.id ?? null)).toEqual(sample.map((id) => (visible.includes(id) ? id : null)));
  });

  it('resolves only its members as entities (_entities)', async () => {
    const sample = ['mem-lng-0001', 'mem-lng-0015', 'mem-lng-0021', 'mem-lng-0027', 'mem-csm-0001', 'mem-csm-0005', 'mem-nope'];
    const d = await h.data<{ _entities: ({ id: string; oneId: string; identities: unknown[] } | null)[] }>(
      role.viewer,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id oneId identities { channel } } } }`,
      { r: sample.map((id) => ({ __typename: 'Member', id })) },
    );
    expect(d._entities.map((e) => e?.id ?? null)).toEqual(sample.map((id) => (visible.includes(id) ? id : null)));
  });

  it("lists a store's members only where it reaches the store, and only its members there (Store.members)", async () => {
    const storeIds = DEMO_STORES.map((s) => s.id);
    const d = await h.data<{ _entities: { id: string; members: { totalCount: number; edges: { node: { id: string } }[] } | null }[] }>(
      role.viewer,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { id members(first: 100) { totalCount edges { node { id } } } } } }`,
      { r: storeIds.map((id) => ({ __typename: 'Store', id })) },
    );
    for (const store of DEMO_STORES) {
      const got = d._entities.find((e) => e.id === store.id)!.members;
      const expected = role.stores(store.id, store.brandId) ? idsOf((m) => m.joinStoreId === store.id && role.sees(m)) : null;
      expect([store.id, got === null ? null : got.edges.map((e) => e.node.id)]).toEqual([store.id, expected]);
      if (got) expect(got.totalCount).toBe(expected!.length);
    }
  });

  it("lists a guide's customers only where it reaches the guide (Guide.customers)", async () => {
    const d = await h.data<{ _entities: { id: string; customers: { totalCount: number; edges: { node: { id: string } }[] } | null }[] }>(
      role.viewer,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Guide { id customers(first: 100) { totalCount edges { node { id } } } } } }`,
      { r: DEMO_GUIDES.map((g) => ({ __typename: 'Guide', id: g.id })) },
    );
    for (const guide of DEMO_GUIDES) {
      const got = d._entities.find((e) => e.id === guide.id)!.customers;
      const expected = role.guides(guide) ? DEMO_MEMBERS.filter((m) => m.guideId === guide.id && role.sees(m)).map((m) => m.id).sort() : null;
      expect([guide.id, got === null ? null : got.edges.map((e) => e.node.id).sort()]).toEqual([guide.id, expected]);
    }
  });
});

describe('filters and other callers', () => {
  it('narrows a fenced list by filters, never widens it', async () => {
    expect((await listAll(as.lngFranchiseeA, { storeId: 'store-lng-06' })).nodes).toEqual([]);
    expect((await listAll(as.lngAdmin, { brandId: 'brand-csm' })).nodes).toEqual([]);
    expect((await listAll(as.lngGuide031, { guideId: 'gd-lng-03-2' })).nodes).toEqual([]);
    expect((await listAll(as.lngStaff03, { storeId: 'store-lng-03', guideId: 'gd-lng-03-1' })).nodes.map((n) => n.id)).toEqual(idsOf((m) => m.guideId === 'gd-lng-03-1'));
  });

  it('filters by brand, store, guide, tier and joining period', async () => {
    const ids = async (filter: Record<string, unknown>) => (await listAll(as.platform, filter)).nodes.map((n) => n.id);
    expect(await ids({ brandId: 'brand-csm', tierCode: 'GOLD' })).toEqual(idsOf((m) => m.brandId === 'brand-csm' && m.tierCode === 'GOLD'));
    expect(await ids({ storeId: 'store-lng-01' })).toEqual(idsOf((m) => m.joinStoreId === 'store-lng-01'));
    expect(await ids({ guideId: 'gd-lng-01-1' })).toEqual(idsOf((m) => m.guideId === 'gd-lng-01-1'));
    const from = '2023-06-01T00:00:00+08:00';
    const to = '2023-09-01T00:00:00+08:00';
    expect(await ids({ joinedFrom: from, joinedTo: to })).toEqual(idsOf((m) => Date.parse(m.joinedAt) >= Date.parse(from) && Date.parse(m.joinedAt) < Date.parse(to)));
  });

  it('answers a segment by an unknown tag with no members (segments by tags: test/tags.test.ts)', async () => {
    const res = await h.gql(as.platform, `{ members(filter: { tagIds: ["tag-1"] }) { totalCount } }`);
    expect([res.data, res.errors]).toEqual([{ members: { totalCount: 0 } }, undefined]);
  });

  it('gives anonymous callers nothing: UNAUTHENTICATED on the fields, null entities', async () => {
    const list = await h.gql(as.anonymous, `{ members { totalCount } }`);
    expect(errorCodes(list)).toEqual(['UNAUTHENTICATED']);
    const one = await h.gql(as.anonymous, `{ member(id: "mem-lng-0001") { id } }`);
    expect([one.data, errorCodes(one)]).toEqual([{ member: null }, ['UNAUTHENTICATED']]);
    const entities = await h.gql(
      as.anonymous,
      `{ _entities(representations: [{ __typename: "Member", id: "mem-lng-0001" }, { __typename: "Store", id: "store-lng-01" }]) { ... on Member { id } ... on Store { members { totalCount } } } }`,
    );
    expect(entities.data).toEqual({ _entities: [null, { members: null }] });
    expect(errorCodes(entities)).toEqual(['UNAUTHENTICATED']);
  });

  it('shows a member its own data, with the phone masked', async () => {
    const d = await h.data<{ member: { phoneMasked: string; tier: { code: string }; guide: { id: string } | null; homeStore: { id: string } | null } }>(
      as.lngMember1,
      `{ member(id: "mem-lng-0001") { phoneMasked tier { code } guide { id } homeStore { id } } }`,
    );
    const demo = DEMO_MEMBERS.find((m) => m.id === 'mem-lng-0001')!;
    expect(d.member).toEqual({ phoneMasked: `${demo.phone.slice(0, 3)}****${demo.phone.slice(7)}`, tier: { code: demo.tierCode }, guide: { id: demo.guideId }, homeStore: { id: demo.joinStoreId } });
  });
});
