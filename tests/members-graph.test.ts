// Members through the gateway, end to end: the operations of issue "Members and guides" as a client meets them,
// across subgraphs (stores resolves the guides and stores members returns), with the fences of docs/architecture.md §4.
import { DEMO_MEMBERS } from '@retail/members/demo';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

let graph: TestGraph;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  graph = await startTestGraph();
  tokens.platform = await tokenFor({ role: 'PLATFORM_ADMIN' });
  tokens.lngAdmin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng' });
  tokens.lngMerger = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['members:merge'] });
  tokens.franchiseeA = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  tokens.franchiseeB = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-b' });
  tokens.staff03 = await tokenFor({ role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-03' });
  tokens.guide031 = await tokenFor({ role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-03', guideId: 'gd-lng-03-1' });
});
afterAll(async () => {
  await graph.close();
});

async function ok<D>(query: string, variables: Record<string, unknown>, token: string): Promise<D> {
  const res = await graph.query<D>(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

const demo = (id: string) => DEMO_MEMBERS.find((m) => m.id === id)!;

test('离职继承 through the gateway: the store shows the guide who left as pending, the handover moves its customers to an active guide', async () => {
  const PENDING = `{ store(id: "store-lng-03") { guidesAwaitingHandover { guide { id name status } customerCount } } }`;
  type Pending = { store: { guidesAwaitingHandover: { guide: { id: string; name: string; status: string }; customerCount: number }[] | null } };
  const before = await ok<Pending>(PENDING, {}, tokens.staff03!);
  const customers = DEMO_MEMBERS.filter((m) => m.guideId === 'gd-lng-03-3').map((m) => m.id);
  expect(customers.length).toBeGreaterThan(0);
  // the guide's name and status come from stores, the count from members
  expect(before.store.guidesAwaitingHandover).toEqual([{ guide: { id: 'gd-lng-03-3', name: expect.any(String), status: 'LEFT' }, customerCount: customers.length }]);
  // another franchisee's staff does not see the store's pending handovers
  expect((await ok<Pending>(PENDING, {}, tokens.franchiseeB!)).store).toEqual({ guidesAwaitingHandover: null });

  const INHERIT = `mutation { inheritGuideCustomers(input: { fromGuideId: "gd-lng-03-3", toGuideIds: ["gd-lng-03-1"] }) {
    movedCount handoverId handovers { guide { id name } count } userErrors { code } } }`;
  type Inherited = { inheritGuideCustomers: { movedCount: number; handoverId: string | null; handovers: { guide: { id: string; name: string }; count: number }[]; userErrors: unknown[] } };
  const moved = await ok<Inherited>(INHERIT, {}, tokens.franchiseeA!);
  expect(moved.inheritGuideCustomers).toEqual({
    movedCount: customers.length,
    handoverId: expect.stringMatching(/^hnd-/),
    handovers: [{ guide: { id: 'gd-lng-03-1', name: expect.any(String) }, count: customers.length }],
    userErrors: [],
  });
  // the id names the event channels moves the WeCom contacts by
  const published = await graph.db.query<{ key: string }>(`SELECT key FROM members.outbox WHERE topic = 'members.guide.handover'`);
  expect(published.map((r) => r.key)).toContain(moved.inheritGuideCustomers.handoverId);
  const again = (await ok<Inherited>(INHERIT, {}, tokens.franchiseeA!)).inheritGuideCustomers;
  expect([again.movedCount, again.handoverId]).toEqual([0, null]);
  expect((await ok<Pending>(PENDING, {}, tokens.staff03!)).store.guidesAwaitingHandover).toEqual([]);

  const HISTORY = `query($id: ID!) { member(id: $id) { guide { id name } guideHistory { guide { id status } reason to } } }`;
  type History = { member: { guide: { id: string; name: string }; guideHistory: { guide: { id: string; status: string }; reason: string; to: string | null }[] } };
  const m = await ok<History>(HISTORY, { id: customers[0] }, tokens.guide031!);
  expect(m.member.guide.id).toBe('gd-lng-03-1');
  expect(m.member.guideHistory[0]).toEqual({ guide: { id: 'gd-lng-03-1', status: 'ACTIVE' }, reason: 'INHERITED_ON_LEAVE', to: null });
  expect(m.member.guideHistory[1]).toMatchObject({ guide: { id: 'gd-lng-03-3', status: 'LEFT' } });
});

test('a merge through the gateway: the merged id answers the survivor, and the identities moved', async () => {
  const MERGE = `mutation($input: MergeMembersInput!) { mergeMembers(input: $input) {
    survivor { id identities { channel externalId } } merged { id mergedInto { id } } userErrors { code } } }`;
  type Merged = { mergeMembers: { survivor: { id: string; identities: { channel: string; externalId: string }[] } | null; merged: { id: string; mergedInto: { id: string } | null } | null; userErrors: { code: string }[] } };
  const input = { idempotencyKey: 'e2e-merge-1', survivorId: 'mem-lng-0004', mergedId: 'mem-lng-0005' };
  // the scope is checked at the gateway: a brand admin without members:merge is refused there
  const refused = await graph.query(MERGE.replace('survivor {', 'survivor {'), { input }, tokens.lngAdmin);
  expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const out = await ok<Merged>(MERGE, { input }, tokens.lngMerger!);
  expect(out.mergeMembers.userErrors).toEqual([]);
  expect(out.mergeMembers.merged).toEqual({ id: 'mem-lng-0005', mergedInto: { id: 'mem-lng-0004' } });
  expect(out.mergeMembers.survivor!.identities.length).toBeGreaterThanOrEqual(2);
  // a replay of the key returns the same answer
  expect(await ok<Merged>(MERGE, { input }, tokens.lngMerger!)).toEqual(out);

  const ONE = `query($id: ID!) { member(id: $id) { id displayName homeStore { id name } } }`;
  type One = { member: { id: string; displayName: string | null; homeStore: { id: string; name: string } | null } | null };
  const viaMerged = await ok<One>(ONE, { id: 'mem-lng-0005' }, tokens.lngAdmin!);
  expect(viaMerged.member).toMatchObject({ id: 'mem-lng-0004', displayName: demo('mem-lng-0004').displayName });
  // lists no longer show the merged member
  const list = await ok<{ members: { edges: { node: { id: string } }[] } }>(`{ members(first: 100, filter: { brandId: "brand-lng", joinedTo: "2023-04-01T00:00:00Z" }) { edges { node { id } } } }`, {}, tokens.lngAdmin!);
  const ids = list.members.edges.map((e) => e.node.id);
  expect(ids).toContain('mem-lng-0004');
  expect(ids).not.toContain('mem-lng-0005');
});

test('erasure through the gateway: no role, on any path, gets the name or phone back', async () => {
  const id = 'mem-lng-0007';
  const { displayName, phone } = demo(id);
  expect(displayName).not.toBeNull();
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  const ERASE = `mutation { eraseMember(input: { memberId: "${id}", reason: "PIPL ticket e2e-7" }) { member { id displayName phoneMasked erasedAt } userErrors { code } } }`;
  // a franchisee may not erase; its brand's admin may
  const denied = await ok<{ eraseMember: { userErrors: { code: string }[] } }>(ERASE, {}, tokens.franchiseeA!);
  expect(denied.eraseMember.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
  const erased = await ok<{ eraseMember: { member: { id: string; displayName: string | null; phoneMasked: string | null; erasedAt: string | null } } }>(ERASE, {}, tokens.lngAdmin!);
  expect(erased.eraseMember.member).toMatchObject({ id, displayName: null, phoneMasked: null, erasedAt: expect.any(String) });

  const FIELDS = 'id displayName phoneMasked birthday identities { externalId } tags { name }';
  const paths = [
    `{ member(id: "${id}") { ${FIELDS} } }`,
    `{ members(first: 100, filter: { storeId: "store-lng-03" }) { edges { node { ${FIELDS} } } } }`,
    `{ store(id: "store-lng-03") { members(first: 100) { edges { node { ${FIELDS} } } } } }`,
    `{ store(id: "store-lng-03") { guides(first: 10) { edges { node { customers(first: 100) { edges { node { ${FIELDS} } } } } } } } }`,
  ];
  for (const token of [tokens.platform!, tokens.lngAdmin!, tokens.franchiseeA!, tokens.staff03!, tokens.guide031!]) {
    let seen = 0;
    for (const q of paths) {
      const res = await graph.query(q, {}, token);
      expect(res.errors).toBeUndefined();
      const text = JSON.stringify(res.data);
      for (const secret of [displayName!, phone, masked]) expect([q.slice(0, 30), text.includes(secret)]).toEqual([q.slice(0, 30), false]);
      if (text.includes(id)) seen++;
    }
    // the tombstone itself is still there for everyone who may see the member
    expect(seen).toBeGreaterThan(0);
  }
});

test("a store's member metrics through the gateway, fenced by the store's operator", async () => {
  const Q = `{ store(id: "store-lng-03") { name memberMetrics(period: { from: "2023-01-01T00:00:00+08:00", to: "2024-01-01T00:00:00+08:00" }) {
    newMembers nonMemberJoinRate { numerator denominator } historicalMemberOnlineRate { numerator denominator } dormantReactivationRate { numerator denominator } } } }`;
  type Metrics = { store: { name: string; memberMetrics: { newMembers: number; nonMemberJoinRate: { numerator: number; denominator: number } } | null } };
  const from = Date.parse('2023-01-01T00:00:00+08:00');
  const to = Date.parse('2024-01-01T00:00:00+08:00');
  const joined = DEMO_MEMBERS.filter((m) => m.joinStoreId === 'store-lng-03' && Date.parse(m.joinedAt) >= from && Date.parse(m.joinedAt) < to).length;
  expect(joined).toBeGreaterThan(0);
  const own = await ok<Metrics>(Q, {}, tokens.franchiseeA!);
  expect(own.store.memberMetrics).toMatchObject({ newMembers: joined, nonMemberJoinRate: { numerator: joined } });
  // another operator sees the store's public face, not its membership figures
  const other = await ok<Metrics>(Q, {}, tokens.franchiseeB!);
  expect(other.store.name).toBe(own.store.name);
  expect(other.store.memberMetrics).toBeNull();
  // a period the wrong way round is the client's mistake, typed
  const bad = await graph.query(Q.replace('from: "2023-01-01', 'from: "2025-01-01'), {}, tokens.franchiseeA);
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});
