import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { applyMemberMerged, applyOrderPaid, applyOrderRefunded, expirePoints, pointsSubgraph } from '../src';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';

// The expiry job (safe twice and in parallel) and members.member.merged (one account per brand afterwards).

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(pointsSubgraph);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const EARN = `mutation($input: EarnPointsInput!) { earnPoints(input: $input) { userErrors { code } } }`;
let seq = 0;
async function earn(memberId: string, points: number, expiresAt: string, extra: Record<string, unknown> = {}) {
  const r = await h.data<{ earnPoints: { userErrors: unknown[] } }>(as.service, EARN, {
    input: { idempotencyKey: `x-${++seq}`, memberId, brandId: 'brand-lng', points, reason: 'test', expiresAt, ...extra },
  });
  expect(r.earnPoints.userErrors).toEqual([]);
}
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
/** Time passes for a member's lots that lapse within `days`: their expiry moves into the past. */
const lapse = (memberId: string, days: number) =>
  h.db.query(
    `UPDATE points.lot SET available_at = LEAST(available_at, now() - interval '2 seconds'), released_at = COALESCE(released_at, now() - interval '2 seconds'), expires_at = now() - interval '1 second'
      WHERE expires_at <= now() + make_interval(days => $2) AND account_id = (SELECT id FROM points.account WHERE member_id = $1)`,
    [memberId, days],
  );
const ledger = async (memberId: string) =>
  (
    await h.data<{ pointsAccount: { id: string; balance: number; pending: number; expiringSoon: { points: number; expiresAt: string }[]; transactions: { edges: { node: { kind: string; points: number } }[] } } | null }>(
      as.platform,
      `{ pointsAccount(memberId: "${memberId}") { id balance pending expiringSoon(withinDays: 400) { points expiresAt } transactions(first: 50) { edges { node { kind points } } } } }`,
    )
  ).pointsAccount;

describe('the expiry job', () => {
  it('expires lapsed lots once when two runs go at once, and again finds nothing', async () => {
    for (let i = 0; i < 12; i++) await earn(`mem-x-${i}`, 10 + i, inDays(1 + i));
    await earn('mem-x-0', 500, inDays(200));
    for (let i = 0; i < 12; i++) await lapse(`mem-x-${i}`, 30);
    const [a, b] = await Promise.all([expirePoints(h.db), expirePoints(h.db)]);
    // The demo data has lots lapsing within 30 days too, but they were not moved into the past.
    expect(a.expired + b.expired).toBe(12);
    expect((await Promise.all([expirePoints(h.db), expirePoints(h.db)])).map((r) => r.expired)).toEqual([0, 0]);
    const expired = await h.db.query<{ n: number; sum: number }>(`SELECT count(*)::int AS n, sum(points)::int AS sum FROM points.entry WHERE kind = 'EXPIRE'`);
    expect(expired[0]).toEqual({ n: 12, sum: -(12 * 10 + 66) });
    const x0 = (await ledger('mem-x-0'))!;
    expect(x0.balance).toBe(500);
    expect(x0.transactions.edges.map((e) => e.node)).toEqual([
      { kind: 'EXPIRE', points: -10 },
      { kind: 'EARN', points: 500 },
      { kind: 'EARN', points: 10 },
    ]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('shows points expiring soon, soonest first, and releases pending lots past their holding period', async () => {
    await earn('mem-x-soon', 7, inDays(5));
    await earn('mem-x-soon', 8, inDays(20));
    await earn('mem-x-soon', 9, inDays(100), { availableAt: inDays(3) });
    const soon = (await ledger('mem-x-soon'))!;
    expect(soon.expiringSoon.map((e) => e.points)).toEqual([7, 8, 9]);
    expect([soon.balance, soon.pending]).toEqual([15, 9]);
    await h.db.query(`UPDATE points.lot SET available_at = now() - interval '1 second' WHERE released_at IS NULL AND account_id = $1`, [soon.id]);
    expect(await expirePoints(h.db)).toEqual({ expired: 0, accounts: 1 });
    expect(await h.db.query(`SELECT balance, pending FROM points.account WHERE id = $1`, [soon.id])).toEqual([{ balance: 24, pending: 0 }]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });
});

describe('members.member.merged', () => {
  it('folds the merged account into the survivor: balances added, lots keep their expiry, history shown, one account', async () => {
    await earn('mem-m-survivor', 100, '2027-05-31T16:00:00Z');
    await earn('mem-m-merged', 40, '2027-02-28T16:00:00Z');
    await earn('mem-m-merged', 60, '2027-09-30T16:00:00Z', { availableAt: inDays(3) });
    await h.db.transaction((tx) =>
      applyOrderPaid(tx, { orderId: 'ord-m-1', brandId: 'brand-lng', storeId: 'store-lng-03', memberId: 'mem-m-merged', paidFen: 5_000, currency: 'CNY', paidAt: new Date().toISOString() }),
    );
    await h.data(as.platform, `mutation { redeemPoints(input: { idempotencyKey: "m-r", memberId: "mem-m-merged", points: 15, reason: "coupon" }) { userErrors { code } } }`);
    const merge = { mergeId: 'mg-1', brandId: 'brand-lng', survivorId: 'mem-m-survivor', mergedId: 'mem-m-merged', oneId: 'one-1', mergedAt: new Date().toISOString() };
    await h.db.transaction((tx) => applyMemberMerged(tx, merge));
    await h.db.transaction((tx) => applyMemberMerged(tx, merge)); // published twice: one effect

    const survivor = (await ledger('mem-m-survivor'))!;
    expect([survivor.balance, survivor.pending]).toEqual([100 + 25, 60 + 50]);
    expect(await ledger('mem-m-merged')).toBeNull();
    expect(
      await h.db.query(
        `SELECT a.member_id AS "memberId", l.points, l.remaining, to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "expiresAt"
           FROM points.lot l JOIN points.account a ON a.id = l.account_id WHERE l.points IN (40, 60, 100) ORDER BY l.expires_at`,
      ),
    ).toEqual([
      { memberId: 'mem-m-survivor', points: 40, remaining: 25, expiresAt: '2027-02-28' },
      { memberId: 'mem-m-survivor', points: 100, remaining: 100, expiresAt: '2027-05-31' },
      { memberId: 'mem-m-survivor', points: 60, remaining: 60, expiresAt: '2027-09-30' },
    ]);
    // The survivor's ledger shows both histories, without the transfer entries.
    expect(survivor.transactions.edges.map((e) => e.node).sort((x, y) => x.points - y.points)).toEqual([
      { kind: 'REDEEM', points: -15 },
      { kind: 'EARN', points: 40 },
      { kind: 'EARN', points: 50 },
      { kind: 'EARN', points: 60 },
      { kind: 'EARN', points: 100 },
    ]);
    // One open account for the survivor at the brand; the merged one is closed into it.
    expect(await h.db.query(`SELECT member_id AS "memberId", merged_into IS NOT NULL AS closed FROM points.account WHERE member_id LIKE 'mem-m-%' ORDER BY member_id`)).toEqual([
      { memberId: 'mem-m-merged', closed: true },
      { memberId: 'mem-m-survivor', closed: false },
    ]);
    // The merged member's later facts land on the survivor: a refund of its order, a late order of it.
    await h.db.transaction((tx) => applyOrderRefunded(tx, { orderId: 'ord-m-1', refundId: 'rf-m-1', paidFen: 5_000, refundedFen: 5_000, fullyRefunded: true }));
    await h.db.transaction((tx) =>
      applyOrderPaid(tx, { orderId: 'ord-m-2', brandId: 'brand-lng', storeId: 'store-lng-03', memberId: 'mem-m-merged', paidFen: 1_000, currency: 'CNY', paidAt: new Date().toISOString() }),
    );
    const after = (await ledger('mem-m-survivor'))!;
    expect([after.balance, after.pending]).toEqual([125, 60 + 10]);
    // A merged member's own redemption is refused with MEMBER_MERGED.
    const r = await h.data<{ redeemPoints: { userErrors: { code: string }[] } }>(
      as.platform,
      `mutation { redeemPoints(input: { idempotencyKey: "m-r2", memberId: "mem-m-merged", points: 1, reason: "coupon" }) { userErrors { code } } }`,
    );
    expect(r.redeemPoints.userErrors[0]!.code).toBe('MEMBER_MERGED');
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('makes the survivor an account when it had none, and closes a merged member without points', async () => {
    await earn('mem-m2-merged', 30, inDays(90));
    await h.db.transaction((tx) => applyMemberMerged(tx, { brandId: 'brand-lng', survivorId: 'mem-m2-survivor', mergedId: 'mem-m2-merged' }));
    expect((await ledger('mem-m2-survivor'))!.balance).toBe(30);
    await h.db.transaction((tx) => applyMemberMerged(tx, { brandId: 'brand-lng', survivorId: 'mem-m2-survivor', mergedId: 'mem-m2-nothing' }));
    expect(await h.db.query(`SELECT merged_into IS NOT NULL AS closed, balance FROM points.account WHERE member_id = 'mem-m2-nothing'`)).toEqual([{ closed: true, balance: 0 }]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });
});
