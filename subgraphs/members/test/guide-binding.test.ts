import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { DEMO_STORES } from '@retail/stores/demo';
import { GUIDE_DIRECTORY, membersSubgraph } from '../src';
import { DEMO_IDENTITIES, DEMO_MEMBERS } from '../src/demo/data';
import { spreadCustomers } from '../src/domain/guide-handover';
import { as } from './callers';
import { demoStoresPeer, startMembers, type UserError } from './members-under-test';

interface HandoverEvent {
  handoverId: string;
  brandId: string;
  kind: string;
  at: string;
  moves: { memberId: string; fromGuideId: string | null; toGuideId: string; reason: string; wecomContacts: { corpId: string; externalUserId: string }[] }[];
}
/** The members.guide.handover events that moved any of these members, oldest first. */
async function handoverEvents(memberIds: readonly string[]): Promise<HandoverEvent[]> {
  const rows = await h.db.query<{ payload: HandoverEvent }>(`SELECT payload FROM members.outbox WHERE topic = 'members.guide.handover' ORDER BY seq`);
  return rows.map((r) => r.payload).filter((e) => e.moves.some((m) => memberIds.includes(m.memberId)));
}

// Guide binding (专属导购): 在职分配 (assignGuide), 离职继承 (inheritGuideCustomers), the store's view of guides who
// left with customers still bound (Store.guidesAwaitingHandover), and stores.guide.changed turning a guide LEFT.

let h: SubgraphHarness;
const stores = demoStoresPeer();
beforeAll(async () => {
  h = await startMembers(stores);
});
afterAll(async () => {
  await h?.close();
});

const staff = (storeId: string): TestViewer => ({ role: 'STORE_STAFF', brandId: 'brand-lng', storeId });

interface Assigned {
  guide: { id: string } | null;
  assignedCount: number;
  userErrors: UserError[];
}
interface Inherited {
  fromGuide: { id: string } | null;
  movedCount: number;
  handovers: { guide: { id: string }; count: number }[];
  userErrors: UserError[];
}
interface History {
  guide: { id: string };
  reason: string;
  from: string;
  to: string | null;
}

const ASSIGN = `mutation($input: AssignGuideInput!) { assignGuide(input: $input) { guide { id } assignedCount userErrors { code field } } }`;
const INHERIT = `mutation($input: InheritGuideCustomersInput!) { inheritGuideCustomers(input: $input) {
  fromGuide { id } movedCount handovers { guide { id } count } userErrors { code field } } }`;

async function assign(viewer: TestViewer, memberIds: string[], guideId: string): Promise<Assigned> {
  const res = await h.gql<{ assignGuide: Assigned }>(viewer, ASSIGN, { input: { memberIds, guideId } });
  expect(res.errors).toBeUndefined();
  return res.data!.assignGuide;
}

async function inherit(viewer: TestViewer, fromGuideId: string, toGuideIds?: string[]): Promise<Inherited> {
  const res = await h.gql<{ inheritGuideCustomers: Inherited }>(viewer, INHERIT, { input: toGuideIds === undefined ? { fromGuideId } : { fromGuideId, toGuideIds } });
  expect(res.errors).toBeUndefined();
  return res.data!.inheritGuideCustomers;
}

const codes = (p: { userErrors: UserError[] }) => p.userErrors.map((e) => e.code);

let seq = 0;
/** Fresh unbound members of a store (joined at the till), ids in creation order. */
async function newMembers(n: number, storeId: string, brandId = 'brand-lng'): Promise<string[]> {
  const run = String(++seq).padStart(3, '0');
  const ids = Array.from({ length: n }, (_, i) => `mem-t${run}-${String(i).padStart(4, '0')}`);
  await h.db.query(
    `INSERT INTO members.member (id, brand_id, one_id, tier_code, join_channel, join_store_id, home_store_id)
     SELECT id, $2, 'one-' || id, 'MEMBER', 'POS', $3, $3 FROM unnest($1::text[]) AS id`,
    [ids, brandId, storeId],
  );
  return ids;
}

/** A stores.guide.changed event, applied as the consumer applies it. */
async function guideChanged(id: string, storeId: string, status: 'ACTIVE' | 'LEFT', brandId = 'brand-lng'): Promise<void> {
  await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id, brandId, storeId, status, name: '测试导购', joinedAt: '2024-01-01T09:00:00+08:00', leftAt: status === 'LEFT' ? '2025-06-30T09:00:00+08:00' : null }));
}

/** A new ACTIVE guide of the store with `n` new customers (assigned through assignGuide), then marked LEFT by stores. */
async function guideWhoLeft(storeId: string, n: number): Promise<{ guideId: string; customers: string[] }> {
  const guideId = `gd-t-${String(++seq).padStart(3, '0')}`;
  await guideChanged(guideId, storeId, 'ACTIVE');
  const customers = await newMembers(n, storeId);
  expect(await assign(as.platform, customers, guideId)).toMatchObject({ assignedCount: n, userErrors: [] });
  await guideChanged(guideId, storeId, 'LEFT');
  return { guideId, customers };
}

async function histories(ids: string[]): Promise<Map<string, { guide: string | null; history: History[] }>> {
  const d = await h.data<{ _entities: ({ id: string; guide: { id: string } | null; guideHistory: History[] } | null)[] }>(
    as.platform,
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id guide { id } guideHistory { guide { id } reason from to } } } }`,
    { r: ids.map((id) => ({ __typename: 'Member', id })) },
  );
  return new Map(d._entities.map((m) => [m!.id, { guide: m!.guide?.id ?? null, history: m!.guideHistory }] as const));
}

type Pending = { guide: { id: string }; customerCount: number; leftAt: string | null }[] | null;
const PENDING = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { id guidesAwaitingHandover { guide { id } customerCount leftAt } } } }`;
async function pending(viewer: TestViewer, storeId: string): Promise<Pending> {
  const d = await h.data<{ _entities: { guidesAwaitingHandover: Pending }[] }>(viewer, PENDING, { r: [{ __typename: 'Store', id: storeId }] });
  return d._entities[0]!.guidesAwaitingHandover;
}

/** Rows of the binding table, checked by SQL: open bindings and INHERITED_ON_LEAVE rows per member. */
async function bindingRows(ids: string[]): Promise<{ memberId: string; open: number; openGuide: string | null; memberGuide: string | null; inherited: number }[]> {
  return h.db.query(
    `SELECT m.id AS "memberId", m.guide_id AS "memberGuide",
            (SELECT count(*)::int FROM members.guide_assignment a WHERE a.member_id = m.id AND a.to_at IS NULL) AS open,
            (SELECT a.guide_id FROM members.guide_assignment a WHERE a.member_id = m.id AND a.to_at IS NULL LIMIT 1) AS "openGuide",
            (SELECT count(*)::int FROM members.guide_assignment a WHERE a.member_id = m.id AND a.reason = 'INHERITED_ON_LEAVE') AS inherited
       FROM members.member m WHERE m.id = ANY($1::text[]) ORDER BY m.id`,
    [ids],
  );
}

describe('the demo: a guide who LEFT with a customer awaiting handover', () => {
  const demoPending = DEMO_MEMBERS.filter((m) => m.guideId === 'gd-lng-03-3').map((m) => m.id);

  it('shows gd-lng-03-3 in its store view, its customers still bound and visible to the store', async () => {
    expect(demoPending.length).toBeGreaterThan(0);
    expect(await pending(as.lngStaff03, 'store-lng-03')).toEqual([{ guide: { id: 'gd-lng-03-3' }, customerCount: demoPending.length, leftAt: '2024-03-31T01:00:00.000Z' }]);
    expect(await pending(as.lngFranchiseeA, 'store-lng-03')).toHaveLength(1);
    expect(await pending(as.lngAdmin, 'store-lng-03')).toHaveLength(1);
    // Outside the store's members: null, as Store.members.
    expect(await pending(as.lngFranchiseeB, 'store-lng-03')).toBeNull();
    expect(await pending(as.csmAdmin, 'store-lng-03')).toBeNull();
    expect(await pending(as.lngMember1, 'store-lng-03')).toBeNull();
    // A colleague guide reaches the store but none of the leaver's customers.
    expect(await pending(as.lngGuide031, 'store-lng-03')).toEqual([]);

    const customers = await h.data<{ _entities: { customers: { edges: { node: { id: string } }[] } | null }[] }>(
      as.lngStaff03,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Guide { customers(first: 100) { edges { node { id } } } } } }`,
      { r: [{ __typename: 'Guide', id: 'gd-lng-03-3' }] },
    );
    expect(customers._entities[0]!.customers!.edges.map((e) => e.node.id).sort()).toEqual([...demoPending].sort());
  });

  it('inheritGuideCustomers moves all of them with INHERITED_ON_LEAVE; a second call changes nothing', async () => {
    const before = await histories(demoPending);
    const r = await inherit(as.lngStaff03, 'gd-lng-03-3', ['gd-lng-03-2']);
    expect(r).toEqual({ fromGuide: { id: 'gd-lng-03-3' }, movedCount: demoPending.length, handovers: [{ guide: { id: 'gd-lng-03-2' }, count: demoPending.length }], userErrors: [] });
    const after = await histories(demoPending);
    for (const id of demoPending) {
      const { guide, history } = after.get(id)!;
      expect(guide).toBe('gd-lng-03-2');
      expect(history).toHaveLength(before.get(id)!.history.length + 1);
      expect(history[0]).toMatchObject({ guide: { id: 'gd-lng-03-2' }, reason: 'INHERITED_ON_LEAVE', to: null });
      expect(history[1]).toMatchObject({ guide: { id: 'gd-lng-03-3' }, reason: 'JOINED_VIA', to: history[0]!.from });
    }
    expect(await pending(as.lngStaff03, 'store-lng-03')).toEqual([]);
    // one event tells channels to move the WeCom contacts too (docs/events.md, members.guide.handover)
    const events = await handoverEvents(demoPending);
    expect(events).toEqual([
      {
        handoverId: expect.stringMatching(/^hnd-/),
        brandId: 'brand-lng',
        kind: 'INHERIT',
        at: expect.any(String),
        moves: demoPending.map((memberId) => ({
          memberId,
          fromGuideId: 'gd-lng-03-3',
          toGuideId: 'gd-lng-03-2',
          reason: 'INHERITED_ON_LEAVE',
          wecomContacts: DEMO_IDENTITIES.filter((i) => i.memberId === memberId && i.channel === 'WECOM').map((i) => ({ corpId: i.appId, externalUserId: i.externalId })),
        })),
      },
    ]);

    expect(await inherit(as.lngStaff03, 'gd-lng-03-3', ['gd-lng-03-2'])).toEqual({ fromGuide: { id: 'gd-lng-03-3' }, movedCount: 0, handovers: [], userErrors: [] });
    expect(await handoverEvents(demoPending)).toHaveLength(1);
    expect(await histories(demoPending)).toEqual(after);
    // Seeding again (npm run seed is idempotent) does not bind them back.
    await membersSubgraph.seed(h.db);
    expect(await histories(demoPending)).toEqual(after);
    expect(await pending(as.lngStaff03, 'store-lng-03')).toEqual([]);
  });
});

describe('assignGuide (在职分配)', () => {
  it('assigns unbound members (ASSIGNED), reassigns bound ones (REASSIGNED) and skips those already bound', async () => {
    const [a, b, c] = await newMembers(3, 'store-lng-03');
    expect(await assign(as.lngAdmin, [a!, b!], 'gd-lng-03-1')).toEqual({ guide: { id: 'gd-lng-03-1' }, assignedCount: 2, userErrors: [] });
    let hs = await histories([a!, b!, c!]);
    expect(hs.get(a!)).toEqual({ guide: 'gd-lng-03-1', history: [expect.objectContaining({ guide: { id: 'gd-lng-03-1' }, reason: 'ASSIGNED', to: null })] });
    expect(hs.get(c!)).toEqual({ guide: null, history: [] });

    // a is bound to 03-1 already, b moves from it, c is new; duplicates count once.
    expect(await assign(as.lngStaff03, [b!, c!, b!], 'gd-lng-03-2')).toEqual({ guide: { id: 'gd-lng-03-2' }, assignedCount: 2, userErrors: [] });
    expect(await assign(as.lngFranchiseeA, [a!, b!, c!], 'gd-lng-03-2')).toEqual({ guide: { id: 'gd-lng-03-2' }, assignedCount: 1, userErrors: [] });
    hs = await histories([a!, b!, c!]);
    expect(hs.get(b!)!.history.map((x) => [x.guide.id, x.reason])).toEqual([
      ['gd-lng-03-2', 'REASSIGNED'],
      ['gd-lng-03-1', 'ASSIGNED'],
    ]);
    expect(hs.get(b!)!.history[1]!.to).toBe(hs.get(b!)!.history[0]!.from);
    expect(hs.get(c!)!.history.map((x) => [x.guide.id, x.reason, x.to])).toEqual([['gd-lng-03-2', 'ASSIGNED', null]]);
    expect(hs.get(a!)!.history.map((x) => x.reason)).toEqual(['REASSIGNED', 'ASSIGNED']);

    // Each call that moved somebody published one handover with who moved from which guide to which.
    const events = await handoverEvents([a!, b!, c!]);
    expect(events.map((e) => [e.kind, e.moves.map((m) => [m.memberId, m.fromGuideId, m.toGuideId, m.reason])])).toEqual([
      ['ASSIGN', [[a, null, 'gd-lng-03-1', 'ASSIGNED'], [b, null, 'gd-lng-03-1', 'ASSIGNED']]],
      ['ASSIGN', [[b, 'gd-lng-03-1', 'gd-lng-03-2', 'REASSIGNED'], [c, null, 'gd-lng-03-2', 'ASSIGNED']]],
      ['ASSIGN', [[a, 'gd-lng-03-1', 'gd-lng-03-2', 'REASSIGNED']]],
    ]);

    // Nothing to do: all bound to the guide already, no history row, no event.
    expect(await assign(as.lngAdmin, [a!, b!, c!], 'gd-lng-03-2')).toMatchObject({ assignedCount: 0, userErrors: [] });
    expect(await handoverEvents([a!, b!, c!])).toHaveLength(3);
    expect((await histories([a!, b!, c!])).get(c!)!.history).toHaveLength(1);
    expect((await bindingRows([a!, b!, c!])).map((r) => [r.open, r.openGuide, r.memberGuide])).toEqual(Array(3).fill([1, 'gd-lng-03-2', 'gd-lng-03-2']));
  });

  it('moves members between stores of one operator, not of two', async () => {
    // store-lng-03 and store-lng-04 are both run by fr-lng-a; store-lng-01 by the brand's direct arm.
    const [m] = await newMembers(1, 'store-lng-03');
    expect(await assign(as.lngFranchiseeA, [m!], 'gd-lng-04-1')).toMatchObject({ assignedCount: 1, userErrors: [] });
    const r = await assign(as.lngAdmin, [m!], 'gd-lng-01-1');
    expect(r).toEqual({ guide: null, assignedCount: 0, userErrors: [{ code: 'STORE_MISMATCH', field: ['input', 'memberIds', '0'] }] });
    expect((await histories([m!])).get(m!)!.guide).toBe('gd-lng-04-1');
  });

  it('refuses 0 and 1001 members, blank ids, unknown and LEFT guides, other brands', async () => {
    const [m] = await newMembers(1, 'store-lng-03');
    expect(codes(await assign(as.lngAdmin, [], 'gd-lng-03-1'))).toEqual(['INVALID_INPUT']);
    const many = Array.from({ length: 1001 }, (_, i) => `mem-none-${i}`);
    expect(await assign(as.lngAdmin, many, 'gd-lng-03-1')).toMatchObject({ assignedCount: 0, userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'memberIds'] }] });
    expect((await assign(as.lngAdmin, [m!, ' '], 'gd-lng-03-1')).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'memberIds', '1'] }]);
    expect((await assign(as.lngAdmin, [m!], 'gd-nope')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'guideId'] }]);
    expect((await assign(as.lngAdmin, [m!], 'gd-lng-03-3')).userErrors).toEqual([{ code: 'GUIDE_NOT_ACTIVE', field: ['input', 'guideId'] }]);
    const [csm] = await newMembers(1, 'store-csm-01', 'brand-csm');
    expect((await assign(as.platform, [m!, csm!, 'mem-nope'], 'gd-lng-03-1')).userErrors).toEqual([
      { code: 'BRAND_MISMATCH', field: ['input', 'memberIds', '1'] },
      { code: 'NOT_FOUND', field: ['input', 'memberIds', '2'] },
    ]);
    // All or none: the valid member was not assigned either.
    expect((await histories([m!])).get(m!)).toEqual({ guide: null, history: [] });
  });

  it('refuses a merged member', async () => {
    const [survivor, merged] = await newMembers(2, 'store-lng-03');
    await h.db.query(`UPDATE members.member SET merged_into = $1, merged_at = now() WHERE id = $2`, [survivor, merged]);
    expect((await assign(as.lngAdmin, [survivor!, merged!], 'gd-lng-03-1')).userErrors).toEqual([{ code: 'MEMBER_MERGED', field: ['input', 'memberIds', '1'] }]);
  });

  it('fences by role: a guide is FORBIDDEN, members and guides outside the fence are NOT_FOUND', async () => {
    const [m] = await newMembers(1, 'store-lng-03');
    const [other] = await newMembers(1, 'store-lng-06');
    expect(codes(await assign(as.lngGuide031, [m!], 'gd-lng-03-1'))).toEqual(['FORBIDDEN']);
    expect(codes(await assign(as.lngMember1, [m!], 'gd-lng-03-1'))).toEqual(['FORBIDDEN']);
    expect(codes(await assign(as.partner, [m!], 'gd-lng-03-1'))).toEqual(['FORBIDDEN']);
    // Another operator's guide, another brand's admin, another store's staff: the guide is not there for them.
    expect((await assign(as.lngFranchiseeB, [m!], 'gd-lng-03-1')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'guideId'] }]);
    expect((await assign(as.csmAdmin, [m!], 'gd-lng-03-1')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'guideId'] }]);
    expect((await assign(as.lngStaff03, [m!], 'gd-lng-04-1')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'guideId'] }]);
    // Its own guide, but a member of another operator's store.
    expect((await assign(as.lngFranchiseeA, [m!, other!], 'gd-lng-03-1')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'memberIds', '1'] }]);
    expect((await histories([m!, other!])).get(m!)!.guide).toBeNull();
    // The brand's admin reaches both, but they are of stores of different operators.
    expect(codes(await assign(as.lngAdmin, [other!], 'gd-lng-03-1'))).toEqual(['STORE_MISMATCH']);
  });

  it('fences a franchisee by who operates the store now, not by a directory that lags', async () => {
    const [m] = await newMembers(1, 'store-lng-04');
    stores.handOver('store-lng-04', 'fr-lng-b');
    try {
      expect(codes(await assign(as.lngFranchiseeA, [m!], 'gd-lng-04-1'))).toEqual(['NOT_FOUND']);
      stores.setReachable(false);
      const res = await h.gql(as.lngFranchiseeA, ASSIGN, { input: { memberIds: [m!], guideId: 'gd-lng-04-1' } });
      expect(errorCodes(res)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      stores.setReachable(true);
      stores.handOver('store-lng-04', 'fr-lng-a');
    }
    expect(await assign(as.lngFranchiseeA, [m!], 'gd-lng-04-1')).toMatchObject({ assignedCount: 1, userErrors: [] });
  });

  it('assigns 1000 members in as many statements as 10', async () => {
    const ten = await newMembers(10, 'store-lng-05');
    const thousand = await newMembers(1000, 'store-lng-05');
    const small = await h.countStatements<{ assignGuide: Assigned }>(as.lngAdmin, ASSIGN, { input: { memberIds: ten, guideId: 'gd-lng-05-1' } });
    const large = await h.countStatements<{ assignGuide: Assigned }>(as.lngAdmin, ASSIGN, { input: { memberIds: thousand, guideId: 'gd-lng-05-1' } });
    expect(small.res.data!.assignGuide.assignedCount).toBe(10);
    expect(large.res.data!.assignGuide.assignedCount).toBe(1000);
    expect(large.statements).toBe(small.statements);
    // guide, BEGIN, guide again, store fence, lock members, close bindings, open bindings with the members,
    // WeCom contacts and the handover event, COMMIT
    expect(large.statements).toBe(10);
    const rows = await bindingRows(thousand);
    expect(rows.every((r) => r.open === 1 && r.openGuide === 'gd-lng-05-1' && r.memberGuide === 'gd-lng-05-1')).toBe(true);
  });
});

describe('assignGuide in parallel', () => {
  it('leaves every member with exactly one open binding, its guide', async () => {
    const members = await newMembers(30, 'store-lng-03');
    const guides = ['gd-lng-03-1', 'gd-lng-03-2', 'gd-lng-03-1', 'gd-lng-03-2', 'gd-lng-03-1'];
    const results = await Promise.all(guides.map((g, i) => assign(i % 2 ? as.lngStaff03 : as.lngAdmin, i % 2 ? [...members].reverse() : members, g)));
    for (const r of results) expect(r.userErrors).toEqual([]);
    const rows = await bindingRows(members);
    for (const r of rows) {
      expect(r.open).toBe(1);
      expect(r.memberGuide).toBe(r.openGuide);
    }
    // Each call either bound all 30 members to its guide or found them there already.
    expect(results.reduce((n, r) => n + r.assignedCount, 0)).toBe((await h.db.query(`SELECT 1 FROM members.guide_assignment WHERE member_id = ANY($1::text[])`, [members])).length);
  });
});

describe('a guide turning LEFT (stores.guide.changed)', () => {
  it('keeps its customers bound and visible to the store, and lists it as awaiting handover', async () => {
    const { guideId, customers } = await guideWhoLeft('store-lng-07', 3);
    const hs = await histories(customers);
    for (const id of customers) expect(hs.get(id)).toEqual({ guide: guideId, history: [expect.objectContaining({ guide: { id: guideId }, reason: 'ASSIGNED', to: null })] });
    expect(await pending(as.lngFranchiseeB, 'store-lng-07')).toEqual([{ guide: { id: guideId }, customerCount: 3, leftAt: '2025-06-30T01:00:00.000Z' }]);
    const seen = await h.data<{ _entities: { members: { edges: { node: { id: string } }[] } | null }[] }>(
      staff('store-lng-07'),
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { members(first: 100, filter: { guideId: "${guideId}" }) { edges { node { id } } } } } }`,
      { r: [{ __typename: 'Store', id: 'store-lng-07' }] },
    );
    expect(seen._entities[0]!.members!.edges.map((e) => e.node.id).sort()).toEqual(customers);
    // A late ACTIVE event does not bring the guide back; new customers cannot be assigned to it.
    await guideChanged(guideId, 'store-lng-07', 'ACTIVE');
    const [m] = await newMembers(1, 'store-lng-07');
    expect(codes(await assign(as.lngAdmin, [m!], guideId))).toEqual(['GUIDE_NOT_ACTIVE']);
  });

  it('reads the pending view of 2 and of 20 stores in the same number of statements', async () => {
    await guideWhoLeft('store-lng-08', 2);
    const reps = (n: number) => DEMO_STORES.slice(0, n).map((s) => ({ __typename: 'Store', id: s.id }));
    const small = await h.countStatements<{ _entities: { guidesAwaitingHandover: Pending }[] }>(as.platform, PENDING, { r: reps(2) });
    const large = await h.countStatements<{ _entities: { guidesAwaitingHandover: Pending }[] }>(as.platform, PENDING, { r: reps(20) });
    expect(large.res.errors).toBeUndefined();
    expect(large.res.data!._entities.filter((s) => s.guidesAwaitingHandover!.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBe(2); // stores in scope, the pending guides with their counts
    const franchisee = await h.countStatements(as.lngFranchiseeB, PENDING, { r: reps(20) });
    expect(franchisee.statements).toBe(2);
  });
});

describe('inheritGuideCustomers (离职继承)', () => {
  it('hands all customers to one heir', async () => {
    const { guideId, customers } = await guideWhoLeft('store-lng-03', 4);
    expect(await inherit(as.lngFranchiseeA, guideId, ['gd-lng-03-1'])).toEqual({
      fromGuide: { id: guideId },
      movedCount: 4,
      handovers: [{ guide: { id: 'gd-lng-03-1' }, count: 4 }],
      userErrors: [],
    });
    const rows = await bindingRows(customers);
    expect(rows.map((r) => [r.open, r.openGuide, r.memberGuide, r.inherited])).toEqual(Array(4).fill([1, 'gd-lng-03-1', 'gd-lng-03-1', 1]));
  });

  it('shares them evenly among several heirs, deterministically', async () => {
    await guideChanged('gd-t-heir', 'store-lng-03', 'ACTIVE');
    const { guideId, customers } = await guideWhoLeft('store-lng-03', 10);
    const heirs = ['gd-lng-03-2', 'gd-t-heir', 'gd-lng-03-1'];
    const r = await inherit(as.lngAdmin, guideId, [...heirs, 'gd-t-heir']);
    expect(r.userErrors).toEqual([]);
    expect(r.movedCount).toBe(10);
    expect(r.handovers).toEqual([
      { guide: { id: 'gd-lng-03-2' }, count: 4 },
      { guide: { id: 'gd-t-heir' }, count: 3 },
      { guide: { id: 'gd-lng-03-1' }, count: 3 },
    ]);
    const rows = await bindingRows(customers);
    const expected = spreadCustomers(customers, heirs).moves;
    expect(rows.map((x) => [x.memberId, x.openGuide, x.memberGuide, x.open, x.inherited])).toEqual(expected.map((m) => [m.memberId, m.guideId, m.guideId, 1, 1]));
    const counts = heirs.map((g) => rows.filter((x) => x.openGuide === g).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(customers.length);
  });

  it('shares them among all ACTIVE guides of the store when no heir is named', async () => {
    // store-lng-09: gd-lng-09-1 and gd-lng-09-2 are its ACTIVE guides.
    const { guideId, customers } = await guideWhoLeft('store-lng-09', 5);
    const r = await inherit(as.lngAdmin, guideId);
    expect(r).toMatchObject({ movedCount: 5, userErrors: [] });
    expect(r.handovers).toEqual([
      { guide: { id: 'gd-lng-09-1' }, count: 3 },
      { guide: { id: 'gd-lng-09-2' }, count: 2 },
    ]);
    const hs = await histories(customers);
    for (const id of customers) expect(hs.get(id)!.history.map((x) => x.reason)).toEqual(['INHERITED_ON_LEAVE', 'ASSIGNED']);
    expect(await pending(as.lngAdmin, 'store-lng-09')).toEqual([]);
  });

  it('leaves the customers awaiting handover when the store has no ACTIVE guide', async () => {
    // store-lng-10 is closed and both its guides have left.
    const { guideId, customers } = await guideWhoLeft('store-lng-10', 2);
    expect(await inherit(as.lngAdmin, guideId)).toEqual({ fromGuide: null, movedCount: 0, handovers: [], userErrors: [{ code: 'GUIDE_NOT_ACTIVE', field: ['input', 'toGuideIds'] }] });
    expect((await bindingRows(customers)).map((r) => [r.open, r.openGuide, r.memberGuide])).toEqual(Array(2).fill([1, guideId, guideId]));
    expect(await pending(as.lngFranchiseeB, 'store-lng-10')).toEqual([{ guide: { id: guideId }, customerCount: 2, leftAt: '2025-06-30T01:00:00.000Z' }]);
  });

  it('refuses an ACTIVE from-guide, bad heirs and callers outside the fence', async () => {
    const { guideId, customers } = await guideWhoLeft('store-lng-03', 2);
    expect((await inherit(as.lngAdmin, 'gd-lng-03-1')).userErrors).toEqual([{ code: 'GUIDE_NOT_LEFT', field: ['input', 'fromGuideId'] }]);
    expect((await inherit(as.lngAdmin, 'gd-nope')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'fromGuideId'] }]);
    expect((await inherit(as.lngAdmin, guideId, [])).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'toGuideIds'] }]);
    expect((await inherit(as.lngAdmin, guideId, ['gd-lng-03-3', 'gd-lng-01-1', 'gd-nope', 'gd-csm-01-1'])).userErrors).toEqual([
      { code: 'GUIDE_NOT_ACTIVE', field: ['input', 'toGuideIds', '0'] },
      { code: 'STORE_MISMATCH', field: ['input', 'toGuideIds', '1'] },
      { code: 'NOT_FOUND', field: ['input', 'toGuideIds', '2'] },
      { code: 'NOT_FOUND', field: ['input', 'toGuideIds', '3'] },
    ]);
    // franchisee A does not reach store-lng-06's guide: NOT_FOUND, not STORE_MISMATCH.
    expect((await inherit(as.lngFranchiseeA, guideId, ['gd-lng-06-1'])).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'toGuideIds', '0'] }]);
    expect(codes(await inherit(as.lngGuide031, guideId, ['gd-lng-03-1']))).toEqual(['FORBIDDEN']);
    expect(codes(await inherit(as.lngFranchiseeB, guideId, ['gd-lng-03-1']))).toEqual(['NOT_FOUND']);
    expect(codes(await inherit(as.csmAdmin, guideId))).toEqual(['NOT_FOUND']);
    expect(codes(await inherit(staff('store-lng-04'), guideId))).toEqual(['NOT_FOUND']);
    // Nothing moved.
    expect((await bindingRows(customers)).map((r) => r.memberGuide)).toEqual([guideId, guideId]);
    expect(await inherit(as.lngStaff03, guideId, ['gd-lng-03-2'])).toMatchObject({ movedCount: 2, userErrors: [] });
  });

  it('hands over 3 and 300 customers in the same number of statements', async () => {
    const few = await guideWhoLeft('store-lng-02', 3);
    const many = await guideWhoLeft('store-lng-02', 300);
    const small = await h.countStatements<{ inheritGuideCustomers: Inherited }>(as.lngAdmin, INHERIT, { input: { fromGuideId: few.guideId } });
    const large = await h.countStatements<{ inheritGuideCustomers: Inherited }>(as.lngAdmin, INHERIT, { input: { fromGuideId: many.guideId } });
    expect(small.res.data!.inheritGuideCustomers.movedCount).toBe(3);
    expect(large.res.data!.inheritGuideCustomers.handovers).toEqual([
      { guide: { id: 'gd-lng-02-1' }, count: 150 },
      { guide: { id: 'gd-lng-02-2' }, count: 150 },
    ]);
    expect(large.statements).toBe(small.statements);
    // guide, BEGIN, lock, guide again, store fence, heirs, lock customers, close bindings, open bindings with the members,
    // WeCom contacts and the handover event, COMMIT
    expect(large.statements).toBe(12);
  });

  it('moves each customer exactly once under parallel calls', async () => {
    const { guideId, customers } = await guideWhoLeft('store-lng-03', 40);
    const results = await Promise.all(
      [as.lngAdmin, as.lngStaff03, as.lngFranchiseeA, as.lngAdmin, as.platform].map((viewer, i) => inherit(viewer, guideId, i % 2 ? ['gd-lng-03-2', 'gd-lng-03-1'] : ['gd-lng-03-1', 'gd-lng-03-2'])),
    );
    for (const r of results) expect(r.userErrors).toEqual([]);
    expect(results.map((r) => r.movedCount).sort((a, b) => b - a)).toEqual([40, 0, 0, 0, 0]);
    const rows = await bindingRows(customers);
    expect(rows).toHaveLength(40);
    for (const r of rows) {
      expect(r.open).toBe(1);
      expect(r.inherited).toBe(1);
      expect(['gd-lng-03-1', 'gd-lng-03-2']).toContain(r.openGuide);
      expect(r.memberGuide).toBe(r.openGuide);
    }
    const stillOpen = await h.db.query(`SELECT 1 FROM members.guide_assignment WHERE guide_id = $1 AND to_at IS NULL`, [guideId]);
    expect(stillOpen).toHaveLength(0);
    const counts = ['gd-lng-03-1', 'gd-lng-03-2'].map((g) => rows.filter((r) => r.openGuide === g).length);
    expect(counts).toEqual([20, 20]);
  });
});
