import { postGraphQL, signedHeaders } from '@retail/platform/testing';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { storesSubgraph } from '../src';
import { CALLERS, type As } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(storesSubgraph);
});
afterAll(async () => {
  await h.close();
});

type StoreIds = { stores: { totalCount: number; edges: { node: { id: string } }[] } };
const STORE_IDS = `query($filter: StoreFilter) { stores(filter: $filter, first: 100) { totalCount edges { node { id } } } }`;

async function storeIds(as: As, filter: Record<string, unknown> = {}): Promise<string[]> {
  const d = await h.data<StoreIds>(as, STORE_IDS, { filter });
  expect(d.stores.totalCount).toBe(d.stores.edges.length);
  return d.stores.edges.map((e) => e.node.id);
}

const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(2, '0')}`);
const OPEN_STORES = [...range('store-csm-', 1, 9), ...range('store-lng-', 1, 9), 'store-lng-11'];

describe('the stores root list is scoped to the caller', () => {
  test.each([
    ['PLATFORM_ADMIN sees every store', CALLERS.platform, 21],
    ['BRAND_ADMIN sees its brand', CALLERS.lngAdmin, 11],
    ['another BRAND_ADMIN sees its brand', CALLERS.csmAdmin, 10],
  ])('%s', async (_, as, count) => {
    expect(await storeIds(as)).toHaveLength(count);
  });

  test('a FRANCHISEE sees only its own stores, CLOSED ones included', async () => {
    expect((await storeIds(CALLERS.lngA)).sort()).toEqual(['store-lng-03', 'store-lng-04']);
    expect((await storeIds(CALLERS.lngB)).sort()).toEqual(['store-lng-06', 'store-lng-07', 'store-lng-10']);
  });

  test('STORE_STAFF and GUIDE see their store', async () => {
    expect(await storeIds(CALLERS.staff03)).toEqual(['store-lng-03']);
    expect(await storeIds(CALLERS.guide03)).toEqual(['store-lng-03']);
  });

  test.each([
    ['anonymous', CALLERS.anonymous],
    ['MEMBER', CALLERS.member],
    ['PARTNER', CALLERS.partner],
  ])('%s gets the public list: OPEN stores of every brand', async (_, as) => {
    expect((await storeIds(as)).sort()).toEqual(OPEN_STORES.sort());
  });

  test('filters apply to the public list, which never shows CLOSED stores or who runs a store', async () => {
    expect((await storeIds(CALLERS.anonymous, { city: '杭州市' })).sort()).toEqual(['store-csm-04', 'store-csm-05', 'store-lng-03', 'store-lng-04']);
    expect(await storeIds(CALLERS.anonymous, { status: 'CLOSED' })).toEqual([]);
    expect(await storeIds(CALLERS.anonymous, { franchiseeId: 'fr-lng-a' })).toEqual([]);
    expect((await storeIds(CALLERS.anonymous, { brandId: 'brand-lng', pickupEnabled: false })).sort()).toEqual(['store-lng-07', 'store-lng-11']);
  });

  test('filters narrow a fenced list, never widen it', async () => {
    expect(await storeIds(CALLERS.lngB, { status: 'CLOSED' })).toEqual(['store-lng-10']);
    expect(await storeIds(CALLERS.lngA, { franchiseeId: 'fr-lng-b' })).toEqual([]);
    expect(await storeIds(CALLERS.lngAdmin, { brandId: 'brand-csm' })).toEqual([]);
    expect(await storeIds(CALLERS.platform, { franchiseeId: 'fr-csm-jo' })).toEqual(['store-csm-08', 'store-csm-09']);
  });
});

const STORE_PRIVATE = `query($id: ID!) { store(id: $id) { id name status address { city } location { lat lng } openingHours { dayOfWeek } franchisee { id } guides { totalCount } } }`;
type StorePrivate = { store: { id: string; name: string; franchisee: { id: string } | null; guides: { totalCount: number } | null } | null };

describe('a store: public face for anyone, operator and guides inside the fence', () => {
  test('the store operator sees the private side of its own store', async () => {
    const d = await h.data<StorePrivate>(CALLERS.lngA, STORE_PRIVATE, { id: 'store-lng-03' });
    expect(d.store).toMatchObject({ name: '朗蜜 杭州湖滨银泰in77店', franchisee: { id: 'fr-lng-a' }, guides: { totalCount: 3 } });
  });

  test.each([
    ['another franchisee', CALLERS.lngB],
    ['another brand admin', CALLERS.csmAdmin],
    ['a member', CALLERS.member],
    ['a partner', CALLERS.partner],
  ])("%s gets the public face, the private fields are null", async (_, as) => {
    const d = await h.data<StorePrivate>(as, STORE_PRIVATE, { id: 'store-lng-03' });
    expect(d.store).toMatchObject({ id: 'store-lng-03', name: '朗蜜 杭州湖滨银泰in77店', franchisee: null, guides: null });
  });

  test('staff and guides of the store see its operator and guides', async () => {
    for (const as of [CALLERS.staff03, CALLERS.guide03, CALLERS.lngAdmin, CALLERS.platform]) {
      const d = await h.data<StorePrivate>(as, STORE_PRIVATE, { id: 'store-lng-03' });
      expect(d.store).toMatchObject({ franchisee: { id: 'fr-lng-a' }, guides: { totalCount: 3 } });
    }
  });

  test('anonymous callers read any store (CLOSED too) but are refused its private fields', async () => {
    const pub = await h.data<{ store: { status: string; openingHours: unknown[] } }>(CALLERS.anonymous, `{ store(id: "store-lng-10") { name status openingHours { opens } } }`);
    expect(pub.store.status).toBe('CLOSED');
    expect(pub.store.openingHours.length).toBeGreaterThan(0);
    const res = await h.gql(CALLERS.anonymous, `{ store(id: "store-lng-03") { name franchisee { id } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('an unknown store is null', async () => {
    expect((await h.data<StorePrivate>(CALLERS.platform, STORE_PRIVATE, { id: 'store-nope' })).store).toBeNull();
  });

  test('nested private lists stay fenced: a member listing a brand’s stores sees no guides', async () => {
    const d = await h.data<{ stores: { edges: { node: { id: string; guides: unknown } }[] } }>(
      CALLERS.member,
      `{ stores(filter: { brandId: "brand-lng" }, first: 3) { edges { node { id guides { totalCount } } } } }`,
    );
    expect(d.stores.edges.every((e) => e.node.guides === null)).toBe(true);
  });
});

describe('franchisees', () => {
  const Q = `query($id: ID!) { franchisee(id: $id) { id name kind brand { code } stores { totalCount edges { node { id } } } } }`;
  type F = { franchisee: { id: string; stores: { totalCount: number; edges: { node: { id: string } }[] } } | null };
  const visible = async (as: As, id: string) => (await h.data<F>(as, Q, { id })).franchisee;

  test('a franchisee sees itself, not another franchisee of its brand or of another brand', async () => {
    expect(await visible(CALLERS.lngA, 'fr-lng-a')).toMatchObject({ kind: 'FRANCHISE', brand: { code: 'LNG' }, stores: { totalCount: 2 } });
    expect(await visible(CALLERS.lngA, 'fr-lng-b')).toBeNull();
    expect(await visible(CALLERS.lngA, 'fr-csm-a')).toBeNull();
  });

  test("a brand admin sees its brand's operators only", async () => {
    expect(await visible(CALLERS.lngAdmin, 'fr-lng-jo')).toMatchObject({ id: 'fr-lng-jo', stores: { totalCount: 2 } });
    expect(await visible(CALLERS.lngAdmin, 'fr-csm-jo')).toBeNull();
  });

  test('store staff see the operator of their store, and under it only their store', async () => {
    const f = await visible(CALLERS.staff03, 'fr-lng-a');
    expect(f?.stores.edges.map((e) => e.node.id)).toEqual(['store-lng-03']);
    expect(await visible(CALLERS.staff03, 'fr-lng-b')).toBeNull();
  });

  test.each([['MEMBER', CALLERS.member], ['PARTNER', CALLERS.partner]])('%s sees no operator', async (_, as) => {
    expect(await visible(as, 'fr-lng-a')).toBeNull();
  });
});

describe('guides', () => {
  const Q = `query($id: ID!) { guide(id: $id) { id name wecomUserId status store { id } } }`;
  const visible = async (as: As, id: string) => (await h.data<{ guide: { id: string } | null }>(as, Q, { id })).guide;

  test('a guide sees the guides of its own store only', async () => {
    expect(await visible(CALLERS.guide03, 'gd-lng-03-2')).toMatchObject({ id: 'gd-lng-03-2', store: { id: 'store-lng-03' } });
    expect(await visible(CALLERS.guide03, 'gd-lng-04-1')).toBeNull();
  });

  test("a franchisee sees its stores' guides only", async () => {
    expect(await visible(CALLERS.lngA, 'gd-lng-04-1')).toMatchObject({ id: 'gd-lng-04-1' });
    expect(await visible(CALLERS.lngA, 'gd-lng-06-1')).toBeNull();
  });

  test('brand admins see their brand; members and partners nothing', async () => {
    expect(await visible(CALLERS.lngAdmin, 'gd-lng-06-1')).not.toBeNull();
    expect(await visible(CALLERS.lngAdmin, 'gd-csm-01-1')).toBeNull();
    expect(await visible(CALLERS.member, 'gd-lng-03-1')).toBeNull();
    expect(await visible(CALLERS.partner, 'gd-csm-01-1')).toBeNull();
  });

  test('guides of a store filter by status and sort by name', async () => {
    const d = await h.data<{ store: { guides: { totalCount: number; edges: { node: { id: string; status: string } }[] } } }>(
      CALLERS.lngAdmin,
      `{ store(id: "store-lng-01") { guides(status: LEFT) { totalCount edges { node { id status } } } } }`,
    );
    expect(d.store.guides).toEqual({ totalCount: 1, edges: [{ node: { id: 'gd-lng-01-3', status: 'LEFT' } }] });
  });
});

describe('brands', () => {
  type B = { brand: { code: string; group: string | null; franchisees: { totalCount: number } | null } | null };
  const Q = `query($id: ID!) { brand(id: $id) { code name group franchisees { totalCount edges { node { id } } } } }`;

  test('callers see their own brand with its group; another brand is null', async () => {
    expect((await h.data<B>(CALLERS.lngA, Q, { id: 'brand-lng' })).brand).toMatchObject({ code: 'LNG', group: 'grp-1', franchisees: { totalCount: 1 } });
    expect((await h.data<B>(CALLERS.lngA, Q, { id: 'brand-csm' })).brand).toBeNull();
    expect((await h.data<B>(CALLERS.lngAdmin, Q, { id: 'brand-lng' })).brand?.franchisees?.totalCount).toBe(4);
    expect((await h.data<B>(CALLERS.partner, Q, { id: 'brand-csm' })).brand?.code).toBe('CSM');
  });

  test('brands lists all for the platform, the own brand for everybody else', async () => {
    const Q2 = `{ brands { totalCount edges { node { code } } } }`;
    type L = { brands: { totalCount: number; edges: { node: { code: string } }[] } };
    expect((await h.data<L>(CALLERS.platform, Q2)).brands.edges.map((e) => e.node.code)).toEqual(['CSM', 'LNG']);
    expect((await h.data<L>(CALLERS.staff03, Q2)).brands.edges.map((e) => e.node.code)).toEqual(['LNG']);
    expect((await h.data<L>(CALLERS.partner, Q2)).brands.edges.map((e) => e.node.code)).toEqual(['CSM']);
  });

  test("another brand reached through a store shows its public code and name, not its group or operators", async () => {
    const d = await h.data<{ store: { brand: B['brand'] } }>(CALLERS.lngA, `{ store(id: "store-csm-01") { brand { code name group franchisees { totalCount } } } }`);
    expect(d.store.brand).toEqual({ code: 'CSM', name: 'Céleste 澄妆 美妆', group: null, franchisees: null });
  });
});

describe('_entities follows the same fence', () => {
  const Q = `query($r: [_Any!]!) { _entities(representations: $r) {
    ... on Store { id name guides { edges { node { name } } } }
    ... on Franchisee { id name }
    ... on Guide { id name }
    ... on Brand { id code group } } }`;
  const reps = [
    { __typename: 'Store', id: 'store-lng-03' },
    { __typename: 'Franchisee', id: 'fr-lng-a' },
    { __typename: 'Guide', id: 'gd-lng-03-1' },
    { __typename: 'Brand', id: 'brand-lng' },
    { __typename: 'Store', id: 'store-nope' },
  ];
  type E = { _entities: ({ id: string; name?: string; guides?: { edges: unknown[] } | null; group?: string | null } | null)[] };

  test('in scope: everything resolves', async () => {
    const d = await h.data<E>(CALLERS.lngA, Q, { r: reps });
    expect(d._entities[0]).toMatchObject({ name: '朗蜜 杭州湖滨银泰in77店' });
    expect(d._entities[0]?.guides?.edges).toHaveLength(3);
    expect(d._entities[1]).toMatchObject({ id: 'fr-lng-a' });
    expect(d._entities[2]).toMatchObject({ id: 'gd-lng-03-1', name: '吴静怡' });
    expect(d._entities[3]).toMatchObject({ code: 'LNG', group: 'grp-1' });
    expect(d._entities[4]).toBeNull();
  });

  test('out of scope: the store keeps its public face, the private entities are null', async () => {
    const d = await h.data<E>(CALLERS.lngB, Q, { r: reps });
    expect(d._entities[0]).toMatchObject({ name: '朗蜜 杭州湖滨银泰in77店', guides: null });
    expect(d._entities[1]).toBeNull();
    expect(d._entities[2]).toBeNull();
    expect(d._entities[3]).toMatchObject({ code: 'LNG', group: 'grp-1' });
    const other = await h.data<E>(CALLERS.csmAdmin, Q, { r: reps });
    expect(other._entities[3]).toMatchObject({ code: 'LNG', group: null });
  });

  test('anonymous: public store fields resolve', async () => {
    const d = await h.data<{ _entities: { name: string }[] }>(CALLERS.anonymous, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { name } } }`, {
      r: [{ __typename: 'Store', id: 'store-csm-07' }],
    });
    expect(d._entities[0]?.name).toBe('澄妆 广州北京路店');
  });
});

describe('viewer', () => {
  test("a franchisee's viewer resolves its brand and itself", async () => {
    const d = await h.data<{ viewer: Record<string, unknown> }>(CALLERS.lngA, `{ viewer { role brandId franchiseeId storeId scopes brand { code } franchisee { name } store { id } guide { id } member { id } } }`);
    expect(d.viewer).toEqual({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a', storeId: null, scopes: [], brand: { code: 'LNG' }, franchisee: { name: '杭州锦绣丽人商贸有限公司' }, store: null, guide: null, member: null });
  });

  test("a guide's viewer resolves its store and itself; a member's its member reference", async () => {
    const g = await h.data<{ viewer: Record<string, unknown> }>(CALLERS.guide03, `{ viewer { role store { code } guide { name store { id } } } }`);
    expect(g.viewer).toEqual({ role: 'GUIDE', store: { code: 'LNG-HZ-001' }, guide: { name: '吴静怡', store: { id: 'store-lng-03' } } });
    const m = await h.data<{ viewer: Record<string, unknown> }>(CALLERS.member, `{ viewer { role memberId member { id } brand { code } } }`);
    expect(m.viewer).toEqual({ role: 'MEMBER', memberId: 'mb-1', member: { id: 'mb-1' }, brand: { code: 'LNG' } });
  });

  test('anonymous callers have no viewer', async () => {
    const res = await h.gql(CALLERS.anonymous, `{ viewer { role } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('only the gateway may call the subgraph', () => {
  test('a request without a signed viewer header is 401, _entities and _service included', async () => {
    for (const q of [`{ stores { totalCount } }`, `{ _service { sdl } }`, `{ _entities(representations: [{__typename: "Store", id: "store-lng-01"}]) { ... on Store { name } } }`]) {
      const res = await postGraphQL(h.url, q);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  test('a header signed with another secret, or too old, is 401', async () => {
    expect((await postGraphQL(h.url, `{ stores { totalCount } }`, {}, signedHeaders(CALLERS.platform, 'another-secret-0123456789abcdef'))).status).toBe(401);
    expect((await postGraphQL(h.url, `{ stores { totalCount } }`, {}, signedHeaders(CALLERS.platform, undefined, Date.now() - 3_600_000))).status).toBe(401);
  });
});
