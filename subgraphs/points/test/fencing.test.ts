import { startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { applyOrderPaid, pointsSubgraph } from '../src';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';

// Who sees which points (docs/architecture.md §4) on every path: the root field, Member.pointsAccount and
// Order.pointsEarned through _entities; and lists at a constant number of SQL statements.

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(pointsSubgraph);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const ACCOUNT = `query($m: ID!) { pointsAccount(memberId: $m) { id balance member { id } brand { id } } }`;
const seen = async (viewer: TestViewer, memberId: string) => {
  const res = await h.gql<{ pointsAccount: { member: { id: string } } | null }>(viewer, ACCOUNT, { m: memberId });
  if (res.errors?.length) return res.errors[0]!.extensions?.code;
  return res.data!.pointsAccount?.member.id ?? null;
};
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id pointsAccount { balance pending expiringSoon { points } transactions(first: 3) { edges { node { kind points order { id } } } } } } ... on Order { id pointsEarned } } }`;
type Entity = { id: string; pointsAccount?: { balance: number } | null; pointsEarned?: number | null };
const entities = async (viewer: TestViewer, reps: { __typename: string; id: string }[]) => (await h.data<{ _entities: Entity[] }>(viewer, ENTITIES, { r: reps }))._entities;

// Demo accounts (src/demo/data.ts): mem-lng-0001 (home store-lng-01, run by the brand), mem-lng-0007 (store-lng-03,
// franchisee A), mem-csm-0001.
describe('pointsAccount', () => {
  it.each<[string, TestViewer, (string | null)[]]>([
    ['the platform', as.platform, ['mem-lng-0001', 'mem-lng-0007', 'mem-csm-0001']],
    ['the brand admin', as.lngAdmin, ['mem-lng-0001', 'mem-lng-0007', null]],
    ["the home store's franchisee", as.lngFranchiseeA, [null, 'mem-lng-0007', null]],
    ['another franchisee', as.lngFranchiseeB, [null, null, null]],
    ["the home store's staff", as.lngStaff03, [null, 'mem-lng-0007', null]],
    ['a guide (points does not know its customers)', as.lngGuide031, [null, null, null]],
    ['the member itself', as.lngMember1, ['mem-lng-0001', null, null]],
    ['a partner brand', as.partner, [null, null, null]],
    ["the other brand's admin", as.csmAdmin, [null, null, 'mem-csm-0001']],
  ])('%s', async (_who, viewer, expected) => {
    expect([await seen(viewer, 'mem-lng-0001'), await seen(viewer, 'mem-lng-0007'), await seen(viewer, 'mem-csm-0001')]).toEqual(expected);
  });

  it('is UNAUTHENTICATED for an anonymous caller', async () => {
    expect(await seen(as.anonymous, 'mem-lng-0001')).toBe('UNAUTHENTICATED');
  });

  it('follows the home store the latest paid order names (memberHomeStoreId); older news changes nothing', async () => {
    const pay = (orderId: string, store: string, paidAt: string) =>
      h.db.transaction((tx) =>
        applyOrderPaid(tx, { orderId, brandId: 'brand-lng', storeId: store, memberId: 'mem-f-1', paidFen: 1_000, currency: 'CNY', paidAt, memberHomeStoreId: store }),
      );
    await pay('ord-f-1', 'store-lng-06', '2026-11-01T10:00:00Z');
    expect([await seen(as.lngFranchiseeB, 'mem-f-1'), await seen(as.lngFranchiseeA, 'mem-f-1')]).toEqual(['mem-f-1', null]);
    await pay('ord-f-2', 'store-lng-03', '2026-11-20T10:00:00Z');
    await pay('ord-f-3', 'store-lng-07', '2026-11-10T10:00:00Z'); // older than the last one: ignored
    expect([await seen(as.lngFranchiseeB, 'mem-f-1'), await seen(as.lngFranchiseeA, 'mem-f-1'), await seen(as.lngStaff03, 'mem-f-1')]).toEqual([null, 'mem-f-1', 'mem-f-1']);
    // Without the field, the account keeps its home store.
    await h.db.transaction((tx) =>
      applyOrderPaid(tx, { orderId: 'ord-f-4', brandId: 'brand-lng', storeId: 'store-lng-06', memberId: 'mem-f-1', paidFen: 1_000, currency: 'CNY', paidAt: '2026-11-25T10:00:00Z' }),
    );
    expect(await seen(as.lngFranchiseeA, 'mem-f-1')).toBe('mem-f-1');
  });
});

describe('_entities', () => {
  it('fences Member.pointsAccount and Order.pointsEarned like the root field', async () => {
    await h.db.transaction((tx) =>
      applyOrderPaid(tx, { orderId: 'ord-fe-1', brandId: 'brand-lng', storeId: 'store-lng-03', memberId: 'mem-lng-0007', paidFen: 12_345, currency: 'CNY', paidAt: new Date().toISOString() }),
    );
    const reps = [
      { __typename: 'Member', id: 'mem-lng-0001' },
      { __typename: 'Member', id: 'mem-lng-0007' },
      { __typename: 'Order', id: 'ord-fe-1' },
    ];
    const visible = async (viewer: TestViewer) => (await entities(viewer, reps)).map((e) => (e.pointsAccount !== undefined ? e.pointsAccount !== null : e.pointsEarned ?? null));
    expect(await visible(as.lngAdmin)).toEqual([true, true, 123]);
    expect(await visible(as.lngFranchiseeA)).toEqual([false, true, 123]);
    expect(await visible(as.lngMember1)).toEqual([true, false, null]);
    expect(await visible(as.lngMember7)).toEqual([false, true, 123]);
    expect(await visible(as.lngGuide031)).toEqual([false, false, null]);
    expect(await visible(as.csmAdmin)).toEqual([false, false, null]);
  });

  it('costs the same number of SQL statements for 5 members as for 50 (accounts, points, expiring, ledgers, orders)', async () => {
    const members = Array.from({ length: 50 }, (_, i) => `mem-n-${String(i).padStart(2, '0')}`);
    await h.db.transaction(async (tx) => {
      for (const [i, m] of members.entries()) {
        await applyOrderPaid(tx, { orderId: `ord-n-${i}`, brandId: 'brand-lng', storeId: 'store-lng-03', memberId: m, paidFen: 1_000 + i, currency: 'CNY', paidAt: new Date().toISOString() });
      }
    });
    const reps = (n: number) => members.slice(0, n).flatMap((m, i) => [{ __typename: 'Member', id: m }, { __typename: 'Order', id: `ord-n-${i}` }]);
    const five = await h.countStatements<{ _entities: Entity[] }>(as.lngAdmin, ENTITIES, { r: reps(5) });
    const fifty = await h.countStatements<{ _entities: Entity[] }>(as.lngAdmin, ENTITIES, { r: reps(50) });
    expect(fifty.res.data!._entities.filter((e) => e.pointsAccount).length).toBe(50);
    expect(fifty.res.data!._entities.filter((e) => e.pointsEarned).length).toBe(50);
    expect(fifty.statements).toBe(five.statements);
    // accounts of members, their points, expiring points, their ledgers (one page each), orders' points
    expect(five.statements).toBe(5);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });
});

describe('transactions', () => {
  it('pages the ledger newest first with keyset cursors, filtered by kind', async () => {
    const page = async (after: string | null) =>
      (
        await h.data<{ pointsAccount: { transactions: { edges: { cursor: string; node: { kind: string; points: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>(
          as.lngMember1,
          `query($after: String) { pointsAccount(memberId: "mem-lng-0001") { transactions(first: 2, after: $after) { edges { cursor node { kind points } } pageInfo { hasNextPage endCursor } } } }`,
          { after },
        )
      ).pointsAccount.transactions;
    const first = await page(null);
    const second = await page(first.pageInfo.endCursor);
    // The demo ledger of mem-lng-0001 (src/demo/data.ts): three earns (one still pending), then a redemption; newest first.
    expect([...first.edges, ...second.edges].map((e) => e.node)).toEqual([
      { kind: 'REDEEM', points: -120 },
      { kind: 'EARN', points: 80 },
      { kind: 'EARN', points: 500 },
      { kind: 'EARN', points: 200 },
    ]);
    expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);
    const earns = await h.data<{ pointsAccount: { transactions: { edges: unknown[] } } }>(as.lngMember1, `{ pointsAccount(memberId: "mem-lng-0001") { transactions(kind: EARN) { edges { cursor } } } }`);
    expect(earns.pointsAccount.transactions.edges).toHaveLength(3);
    const bad = await h.gql(as.lngMember1, `{ pointsAccount(memberId: "mem-lng-0001") { transactions(after: "nonsense") { edges { cursor } } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const days = await h.gql(as.lngMember1, `{ pointsAccount(memberId: "mem-lng-0001") { expiringSoon(withinDays: -1) { points } } }`);
    expect(days.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
