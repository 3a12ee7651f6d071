// Tenant fencing (docs/architecture.md §4) through the gateway: a franchisee sees only its own stores and guides, on every path.
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

type StoreNode = { id: string; name: string; franchisee: { id: string } | null };
type StoresData = { stores: { totalCount: number; edges: { node: StoreNode }[] } };

let graph: TestGraph;
let admin: string;
let franchiseeA: string;
let ownStoreIds: string[];
let otherStoreId: string;

const LIST = `query($f: StoreFilter) { stores(filter: $f, first: 100) { totalCount edges { node { id name franchisee { id } } } } }`;

beforeAll(async () => {
  graph = await startTestGraph();
  admin = await tokenFor({ role: 'PLATFORM_ADMIN' });
  franchiseeA = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  const all = await graph.query<StoresData>(LIST, { f: { brandId: 'brand-lng' } }, admin);
  const nodes = all.data!.stores.edges.map((e) => e.node);
  ownStoreIds = nodes.filter((n) => n.franchisee?.id === 'fr-lng-a').map((n) => n.id).sort();
  otherStoreId = nodes.find((n) => n.franchisee?.id === 'fr-lng-b')!.id;
  expect(ownStoreIds.length).toBeGreaterThan(0);
});

afterAll(async () => {
  await graph.close();
});

test('a franchisee lists only its own stores', async () => {
  const res = await graph.query<StoresData>(LIST, {}, franchiseeA);
  expect(res.errors).toBeUndefined();
  const ids = res.data!.stores.edges.map((e) => e.node.id).sort();
  expect(ids).toEqual(ownStoreIds);
  expect(res.data!.stores.totalCount).toBe(ownStoreIds.length);
  // asking for another operator's stores by filter does not widen the fence
  const widened = await graph.query<StoresData>(LIST, { f: { franchiseeId: 'fr-lng-b' } }, franchiseeA);
  expect(widened.data!.stores.edges).toEqual([]);
});

test('anonymous callers get the public list of OPEN stores of every brand', async () => {
  const res = await graph.query<{ stores: { totalCount: number; edges: { node: { id: string; status: string; franchisee: unknown } }[] } }>(
    `{ stores(first: 100) { totalCount edges { node { id status franchisee { id } } } } }`,
  );
  const nodes = res.data!.stores.edges.map((e) => e.node);
  expect(nodes.length).toBeGreaterThan(ownStoreIds.length);
  expect(nodes.every((n) => n.status === 'OPEN')).toBe(true);
  expect(nodes.some((n) => n.id.startsWith('store-csm'))).toBe(true);
  // the operator is private: null with an UNAUTHENTICATED error, never leaked
  expect(nodes.every((n) => n.franchisee === null)).toBe(true);
  expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});

test("another franchisee's store keeps its public face but hides its guides (root field)", async () => {
  const q = `query($id: ID!) { store(id: $id) { id name address { city line } openingHours { dayOfWeek opens closes } pickupEnabled franchisee { id } guides { totalCount edges { node { id name } } } } }`;
  const res = await graph.query<{ store: { name: string; address: { city: string }; openingHours: unknown[]; franchisee: unknown; guides: unknown } }>(q, { id: otherStoreId }, franchiseeA);
  expect(res.data!.store.name).toBeTruthy();
  expect(res.data!.store.address.city).toBeTruthy();
  expect(res.data!.store.openingHours.length).toBeGreaterThan(0);
  expect(res.data!.store.guides).toBeNull();
  expect(res.data!.store.franchisee).toBeNull();
  const own = await graph.query<{ store: { guides: { totalCount: number } | null } }>(q, { id: ownStoreIds[0] }, franchiseeA);
  expect(own.data!.store.guides!.totalCount).toBeGreaterThan(0);
});

test("another franchisee's guides stay invisible through nested fields across subgraphs (_entities)", async () => {
  // products → Store reference → stores resolves it through _entities: the fence must hold there too.
  const skus = await graph.query<{ products: { edges: { node: { skus: { id: string }[] } }[] } }>(
    `{ products(filter: { brandId: "brand-lng" }, first: 1) { edges { node { skus { id } } } } }`,
  );
  const skuId = skus.data!.products.edges[0]!.node.skus[0]!.id;
  const q = `query($sku: ID!, $store: ID!) { sku(id: $sku) { availability(storeId: $store) { available store { id name guides { totalCount } } } } }`;
  const other = await graph.query<{ sku: { availability: { store: { name: string; guides: unknown } } } }>(q, { sku: skuId, store: otherStoreId }, franchiseeA);
  expect(other.data!.sku.availability.store.name).toBeTruthy();
  expect(other.data!.sku.availability.store.guides).toBeNull();
  const own = await graph.query<{ sku: { availability: { store: { guides: { totalCount: number } | null } } } }>(q, { sku: skuId, store: ownStoreIds[0] }, franchiseeA);
  expect(own.data!.sku.availability.store.guides!.totalCount).toBeGreaterThan(0);
});

test("another franchisee's guide by id is not found, and its franchisee record too", async () => {
  const guides = await graph.query<{ store: { guides: { edges: { node: { id: string } }[] } } }>(
    `query($id: ID!) { store(id: $id) { guides { edges { node { id } } } } }`,
    { id: otherStoreId },
    admin,
  );
  const guideId = guides.data!.store.guides.edges[0]!.node.id;
  const res = await graph.query<{ guide: unknown; franchisee: unknown }>(
    `query($g: ID!) { guide(id: $g) { id name } franchisee(id: "fr-lng-b") { id name } }`,
    { g: guideId },
    franchiseeA,
  );
  expect(res.data!.guide).toBeNull();
  expect(res.data!.franchisee).toBeNull();
});

test('a franchisee cannot change another operator\'s store', async () => {
  const res = await graph.query<{ updateStore: { store: unknown; userErrors: { code: string }[] } }>(
    `mutation($i: UpdateStoreInput!) { updateStore(input: $i) { store { id name } userErrors { code field message } } }`,
    { i: { storeId: otherStoreId, name: 'hijacked' } },
    franchiseeA,
  );
  expect(res.data!.updateStore.store).toBeNull();
  expect(['NOT_FOUND', 'FORBIDDEN']).toContain(res.data!.updateStore.userErrors[0]!.code);
  const after = await graph.query<{ store: { name: string } }>(`query($id: ID!) { store(id: $id) { name } }`, { id: otherStoreId });
  expect(after.data!.store.name).not.toBe('hijacked');
});

describe('members through the gateway', () => {
  type StoreMembers = { stores: { edges: { node: { id: string; members: { totalCount: number; edges: { node: { id: string; homeStore: { id: string } } }[] } | null } }[] } };
  const STORE_MEMBERS = `{ stores(first: 100) { edges { node { id members(first: 100) { totalCount edges { node { id homeStore { id } } } } } } } }`;

  test("a franchisee lists its own stores' members, and sees no other store's (Store.members through stores)", async () => {
    const res = await graph.query<StoreMembers>(STORE_MEMBERS, {}, franchiseeA);
    expect(res.errors).toBeUndefined();
    const own = res.data!.stores.edges.map((e) => e.node);
    expect(own.map((s) => s.id).sort()).toEqual(ownStoreIds);
    expect(own.reduce((n, s) => n + s.members!.totalCount, 0)).toBeGreaterThan(0);
    for (const s of own) expect(s.members!.edges.every((e) => e.node.homeStore.id === s.id)).toBe(true);
    // another operator's store, reached through products (its public face), hides its members
    const other = await graph.query<{ store: { name: string; members: unknown } }>(`query($id: ID!) { store(id: $id) { name members { totalCount } } }`, { id: otherStoreId }, franchiseeA);
    expect(other.data!.store.name).toBeTruthy();
    expect(other.data!.store.members).toBeNull();
  });

  test('a franchisee lists only its stores\' members on the root list, and a guide only its customers', async () => {
    type Members = { members: { totalCount: number; edges: { node: { id: string; homeStore: { id: string } | null; guide: { id: string } | null } }[] } };
    const q = `{ members(first: 100) { totalCount edges { node { id homeStore { id } guide { id } } } } }`;
    const mine = await graph.query<Members>(q, {}, franchiseeA);
    expect(mine.data!.members.totalCount).toBeGreaterThan(0);
    expect(mine.data!.members.edges.every((e) => ownStoreIds.includes(e.node.homeStore?.id ?? ''))).toBe(true);
    const guide = await tokenFor({ role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' });
    const customers = await graph.query<Members>(q, {}, guide);
    expect(customers.errors).toBeUndefined();
    expect(customers.data!.members.totalCount).toBeGreaterThan(0);
    expect(customers.data!.members.edges.every((e) => e.node.guide?.id === 'gd-lng-03-1')).toBe(true);
    const viaGuide = await graph.query<{ viewer: { guide: { customers: { totalCount: number } } } }>(`{ viewer { guide { customers { totalCount } } } }`, {}, guide);
    expect(viaGuide.data!.viewer.guide.customers.totalCount).toBe(customers.data!.members.totalCount);
  });

  test('a member token reaches only its own member (root field and Viewer.member through stores)', async () => {
    const member = await tokenFor({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001' });
    const res = await graph.query<{ viewer: { member: { id: string; oneId: string } }; other: unknown; members: { totalCount: number } }>(
      `{ viewer { member { id oneId } } other: member(id: "mem-lng-0002") { id } members { totalCount } }`,
      {},
      member,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.viewer.member.id).toBe('mem-lng-0001');
    expect(res.data!.other).toBeNull();
    expect(res.data!.members.totalCount).toBe(1);
  });
});
