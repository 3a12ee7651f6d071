import { PostgresTransport, type EventEnvelope } from '@retail/platform';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { applyOrderPaid, applyOrderRefunded, pointsSubgraph, type OrderPaidPayload, type OrderRefundedPayload } from '../src';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';

// Earning on orders.order.paid, taking back on orders.order.refunded (docs/events.md), each applied twice, and the
// worked example of a reversal restoring the lots a redemption consumed with their original expiry dates.

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(pointsSubgraph);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const paid = (o: Partial<OrderPaidPayload> & { orderId: string; memberId: string | null; paidFen: number }): OrderPaidPayload => ({
  brandId: 'brand-lng',
  storeId: 'store-lng-03',
  currency: 'CNY',
  paidAt: new Date().toISOString(),
  ...o,
});
const refunded = (o: { orderId: string; refundId: string; paidFen: number; refundedFen: number; amountFen?: number; fullyRefunded?: boolean }): OrderRefundedPayload => ({
  fullyRefunded: false,
  ...o,
});
const applyPaid = (p: OrderPaidPayload) => h.db.transaction((tx) => applyOrderPaid(tx, p));
const applyRefunded = (p: OrderRefundedPayload) => h.db.transaction((tx) => applyOrderRefunded(tx, p));

const account = (memberId: string) =>
  h.data<{ pointsAccount: { balance: number; pending: number; transactions: { edges: { node: { kind: string; points: number; balanceAfter: number; order: { id: string } | null } }[] } } | null }>(
    as.platform,
    `{ pointsAccount(memberId: "${memberId}") { balance pending transactions { edges { node { kind points balanceAfter order { id } } } } } }`,
  );
const earnedBy = async (orderId: string) =>
  (await h.db.query<{ earned: number; reversed: number; shortfall: number }>(`SELECT earned, reversed, shortfall FROM points.order_points WHERE order_id = $1`, [orderId]))[0];
/** The holding period ends for a member's pending lots. */
const holdingEnds = (memberId: string) =>
  h.db.query(`UPDATE points.lot SET available_at = now() - interval '1 second' WHERE released_at IS NULL AND account_id = (SELECT id FROM points.account WHERE member_id = $1)`, [memberId]);

describe('orders.order.paid', () => {
  it('earns by the brand rule and the tier multiplier, pending for the holding period, once per order', async () => {
    // brand-lng: 1 point per yuan, GOLD 1.5×, 7 days' holding (src/demo/data.ts).
    const p = paid({ orderId: 'ord-e-1', memberId: 'mem-e-1', paidFen: 19_999, tierCode: 'GOLD', memberHomeStoreId: 'store-lng-03' });
    await applyPaid(p);
    await applyPaid(p);
    await applyPaid({ ...p, paidFen: 50_000 }); // the same order published again: still one earn
    expect(await earnedBy('ord-e-1')).toEqual({ earned: 299, reversed: 0, shortfall: 0 }); // floor(199.99 × 1.5)
    const a = (await account('mem-e-1')).pointsAccount!;
    expect([a.balance, a.pending]).toEqual([0, 299]);
    expect(a.transactions.edges.map((e) => e.node)).toEqual([{ kind: 'EARN', points: 299, balanceAfter: 299, order: { id: 'ord-e-1' } }]);
    const lot = (await h.db.query<{ days: number; month: string }>(
      `SELECT round(extract(epoch FROM available_at - earned_at) / 86400)::int AS days, to_char(expires_at AT TIME ZONE 'Asia/Shanghai', 'DD HH24:MI') AS month FROM points.lot WHERE order_id = 'ord-e-1'`,
    ))[0]!;
    // Pending for 7 days; lapses at midnight (Shanghai) starting a month: the end of the 12th month after.
    expect(lot).toEqual({ days: 7, month: '01 00:00' });
    const booked = await h.db.query<{ payload: { points: number } }>(`SELECT payload FROM points.outbox WHERE topic = 'points.earn.booked' AND payload->>'memberId' = 'mem-e-1'`);
    expect(booked.map((b) => b.payload.points)).toEqual([299]);

    await holdingEnds('mem-e-1');
    const after = (await account('mem-e-1')).pointsAccount!;
    expect([after.balance, after.pending]).toEqual([299, 0]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('earns nothing for a guest order, and 1× for a tier the rule does not list', async () => {
    await applyPaid(paid({ orderId: 'ord-guest', memberId: null, paidFen: 10_000 }));
    expect(await earnedBy('ord-guest')).toBeUndefined();
    await applyPaid(paid({ orderId: 'ord-e-2', memberId: 'mem-e-2', paidFen: 10_050, tierCode: 'MEMBER' }));
    expect(await earnedBy('ord-e-2')).toEqual({ earned: 100, reversed: 0, shortfall: 0 });
    // Paid so long ago that the points would have lapsed (12 months' expiry): nothing to earn.
    await applyPaid(paid({ orderId: 'ord-e-old', memberId: 'mem-e-2', paidFen: 10_000, paidAt: '2023-01-15T10:00:00Z' }));
    expect(await earnedBy('ord-e-old')).toEqual({ earned: 0, reversed: 0, shortfall: 0 });
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('refuses a payload without the fields it needs (the event is redelivered)', async () => {
    await expect(applyPaid({ orderId: 'ord-bad', memberId: 'mem-e-3' } as unknown as OrderPaidPayload)).rejects.toThrow(/needs orderId, brandId, paidFen and paidAt/);
  });
});

describe('orders.order.refunded', () => {
  it('takes back proportionally, once per refund, rounding down on the total so far', async () => {
    await applyPaid(paid({ orderId: 'ord-r-1', memberId: 'mem-r-1', paidFen: 10_100 })); // 101 points
    const first = refunded({ orderId: 'ord-r-1', refundId: 'rf-1', paidFen: 10_100, amountFen: 5_050, refundedFen: 5_050 });
    await applyRefunded(first);
    await applyRefunded(first); // published twice: one effect
    expect(await earnedBy('ord-r-1')).toEqual({ earned: 101, reversed: 50, shortfall: 0 }); // floor(101 × 1/2)
    await applyRefunded(refunded({ orderId: 'ord-r-1', refundId: 'rf-2', paidFen: 10_100, refundedFen: 10_100, fullyRefunded: true }));
    expect(await earnedBy('ord-r-1')).toEqual({ earned: 101, reversed: 101, shortfall: 0 });
    const a = (await account('mem-r-1')).pointsAccount!;
    expect([a.balance, a.pending]).toEqual([0, 0]);
    expect(a.transactions.edges.map((e) => [e.node.kind, e.node.points])).toEqual([
      ['REVERSAL', -51],
      ['REVERSAL', -50],
      ['EARN', 101],
    ]);
    const booked = await h.db.query<{ payload: { points: number } }>(`SELECT payload FROM points.outbox WHERE topic = 'points.earn.booked' AND payload->>'memberId' = 'mem-r-1' ORDER BY seq`);
    expect(booked.map((b) => b.payload.points)).toEqual([101, -50, -51]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('takes back a refund that arrived before the payment (two topics: no order between them) when the order earns', async () => {
    await applyRefunded(refunded({ orderId: 'ord-early', refundId: 'rf-early-1', paidFen: 8_000, refundedFen: 2_000 }));
    await applyRefunded(refunded({ orderId: 'ord-early', refundId: 'rf-early-2', paidFen: 8_000, refundedFen: 4_000 }));
    expect(await earnedBy('ord-early')).toBeUndefined();
    await applyPaid(paid({ orderId: 'ord-early', memberId: 'mem-early', paidFen: 8_000 })); // 80 points, half refunded
    expect(await earnedBy('ord-early')).toEqual({ earned: 80, reversed: 40, shortfall: 0 });
    await applyRefunded(refunded({ orderId: 'ord-early', refundId: 'rf-early-2', paidFen: 8_000, refundedFen: 4_000 })); // again: nothing
    await applyRefunded(refunded({ orderId: 'ord-early', refundId: 'rf-early-3', paidFen: 8_000, refundedFen: 8_000, fullyRefunded: true }));
    expect(await earnedBy('ord-early')).toEqual({ earned: 80, reversed: 80, shortfall: 0 });
    expect((await account('mem-early')).pointsAccount!.pending).toBe(0);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('never goes below zero: what the member spent is recorded as the shortfall', async () => {
    await applyPaid(paid({ orderId: 'ord-s-1', memberId: 'mem-s-1', paidFen: 20_000 })); // 200 points
    await holdingEnds('mem-s-1');
    const spent = await h.data<{ redeemPoints: { userErrors: unknown[] } }>(
      as.platform,
      `mutation { redeemPoints(input: { idempotencyKey: "s-1", memberId: "mem-s-1", points: 150, reason: "coupon" }) { userErrors { code } } }`,
    );
    expect(spent.redeemPoints.userErrors).toEqual([]);
    await applyRefunded(refunded({ orderId: 'ord-s-1', refundId: 'rf-s-1', paidFen: 20_000, refundedFen: 20_000, fullyRefunded: true }));
    expect(await earnedBy('ord-s-1')).toEqual({ earned: 200, reversed: 50, shortfall: 150 });
    expect((await account('mem-s-1')).pointsAccount!.balance).toBe(0);
    expect(await h.db.query(`SELECT taken, shortfall FROM points.order_refund WHERE refund_id = 'rf-s-1'`)).toEqual([{ taken: 50, shortfall: 150 }]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('worked example: a full refund gives back the redemption that paid for the order, restoring its lots with their original expiry', async () => {
    const member = 'mem-w-1';
    const earn = async (points: number, expiresAt: string, key: string) => {
      const r = await h.data<{ earnPoints: { userErrors: unknown[] } }>(as.service, `mutation($input: EarnPointsInput!) { earnPoints(input: $input) { userErrors { code } } }`, {
        input: { idempotencyKey: key, memberId: member, brandId: 'brand-lng', points, reason: 'earlier purchase', expiresAt },
      });
      expect(r.earnPoints.userErrors).toEqual([]);
    };
    // Lot A: 100 points lapsing 2027-03-31T16:00Z, lot B: 200 lapsing 2027-06-30T16:00Z, lot C: 300 lapsing 2027-12-31T16:00Z.
    await earn(100, '2027-03-31T16:00:00Z', 'w-a');
    await earn(200, '2027-06-30T16:00:00Z', 'w-b');
    await earn(300, '2027-12-31T16:00:00Z', 'w-c');
    // The member pays 250 points towards order ord-w-1: FIFO takes all of A and 150 of B.
    const redeemed = await h.data<{ redeemPoints: { transaction: { points: number; balanceAfter: number } } }>(
      as.platform,
      `mutation { redeemPoints(input: { idempotencyKey: "w-redeem", memberId: "${member}", points: 250, reason: "points towards order ord-w-1", orderId: "ord-w-1" }) { transaction { points balanceAfter } } }`,
    );
    expect(redeemed.redeemPoints.transaction).toEqual({ points: -250, balanceAfter: 350 });
    const lots = () =>
      h.db.query<{ points: number; remaining: number; expiresAt: string }>(
        `SELECT l.points, l.remaining, to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "expiresAt"
           FROM points.lot l JOIN points.account a ON a.id = l.account_id WHERE a.member_id = $1 ORDER BY l.expires_at`,
        [member],
      );
    expect(await lots()).toEqual([
      { points: 100, remaining: 0, expiresAt: '2027-03-31T16:00:00Z' },
      { points: 200, remaining: 50, expiresAt: '2027-06-30T16:00:00Z' },
      { points: 300, remaining: 300, expiresAt: '2027-12-31T16:00:00Z' },
    ]);
    // Meanwhile another 30 points are spent (from B, the soonest left), so the restore must go to the exact lots.
    await h.data(as.platform, `mutation { redeemPoints(input: { idempotencyKey: "w-other", memberId: "${member}", points: 30, reason: "coupon" }) { userErrors { code } } }`);
    // ord-w-1 is refunded in full, twice (published twice).
    const full = refunded({ orderId: 'ord-w-1', refundId: 'rf-w-1', paidFen: 0, refundedFen: 0, fullyRefunded: true });
    await applyRefunded(full);
    await applyRefunded({ ...full, refundId: 'rf-w-2' });
    expect(await lots()).toEqual([
      { points: 100, remaining: 100, expiresAt: '2027-03-31T16:00:00Z' },
      { points: 200, remaining: 170, expiresAt: '2027-06-30T16:00:00Z' },
      { points: 300, remaining: 300, expiresAt: '2027-12-31T16:00:00Z' },
    ]);
    const a = (await account(member)).pointsAccount!;
    expect(a.balance).toBe(570);
    expect(a.transactions.edges.slice(0, 2).map((e) => [e.node.kind, e.node.points, e.node.balanceAfter, e.node.order?.id ?? null])).toEqual([
      ['REVERSAL', 250, 570, 'ord-w-1'],
      ['REDEEM', -30, 320, null],
    ]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });
});

describe('through the event transport', () => {
  it("applies orders' events from the event log, each once, whether redelivered or published again", async () => {
    // The test subgraph runs its consumers on the PostgreSQL event log (no REDIS_URL), in its test database.
    const transport = new PostgresTransport({ db: h.db });
    const envelope = (id: string, topic: string, payload: unknown): EventEnvelope => ({ id, topic, key: 'ord-t-1', payload, occurredAt: new Date().toISOString(), source: 'orders' });
    const paidEvent = paid({ orderId: 'ord-t-1', memberId: 'mem-t-1', paidFen: 30_000 });
    const ids = ['5d0a3a7e-0000-4000-8000-000000000001', '5d0a3a7e-0000-4000-8000-000000000002', '5d0a3a7e-0000-4000-8000-000000000003'];
    await transport.publish('orders.order.paid', envelope(ids[0]!, 'orders.order.paid', paidEvent));
    await transport.publish('orders.order.paid', envelope(ids[0]!, 'orders.order.paid', paidEvent)); // redelivered
    await transport.publish('orders.order.paid', envelope(ids[1]!, 'orders.order.paid', paidEvent)); // published again
    await transport.publish('orders.order.refunded', envelope(ids[2]!, 'orders.order.refunded', refunded({ orderId: 'ord-t-1', refundId: 'rf-t-1', paidFen: 30_000, refundedFen: 10_000 })));
    const processed = async () => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM points.processed_events WHERE event_id = ANY($1::uuid[])`, [ids]))[0]!.n;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await processed()) < 3) await new Promise((r) => setTimeout(r, 100));
    expect(await processed()).toBe(3);
    expect(await earnedBy('ord-t-1')).toEqual({ earned: 300, reversed: 100, shortfall: 0 });
    await transport.close();
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  }, 30_000);
});
