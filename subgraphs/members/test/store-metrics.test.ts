import crypto from 'node:crypto';
import { PostgresTransport, type EventEnvelope } from '@retail/platform';
import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { DEMO_STORES } from '@retail/stores/demo';
import { applyOrderPaid, applyOrderRefunded, ORDER_PAID_TOPIC, ORDER_REFUNDED_TOPIC } from '../src';
import { as } from './callers';
import { startMembers } from './members-under-test';

// Store member metrics (StoreMemberMetrics) on a small data set checked by hand, the purchases read model fed by
// orders' events of the documented shape (docs/events.md), fencing, period checks and batching.

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startMembers();
  await setUp();
});
afterAll(async () => {
  await h?.close();
});

/** Two stores of franchisee A (fr-lng-a) that no demo member belongs to. */
const S = 'store-lng-h4a';
const S2 = 'store-lng-h4b';
/** The period of the hand-checked metrics: March 2026 in China. */
const FROM = '2026-03-01T00:00:00+08:00';
const TO = '2026-04-01T00:00:00+08:00';
const at = (iso: string) => new Date(iso);
const ms = (iso: string, delta: number) => new Date(at(iso).getTime() + delta).toISOString();
/** FROM - 180 days: the dormancy window is [DORMANT_FROM, FROM). */
const DORMANT_FROM = ms(FROM, -180 * 86_400_000);

interface TestMember {
  id: string;
  joinedAt: string;
  joinStore: string | null;
  homeStore: string | null;
  mergedInto?: string;
  erased?: boolean;
  /** Channel accounts: channel and bound at. */
  identities?: [string, string][];
  /** Guide bindings: from, to. */
  guides?: [string, string | null][];
}

async function insertMember(m: TestMember): Promise<void> {
  const open = m.guides?.find(([, to]) => to === null);
  await h.db.query(
    `INSERT INTO members.member (id, brand_id, one_id, display_name, phone_masked, tier_code, join_channel, join_store_id, home_store_id, guide_id, guide_bound_at,
                                 joined_at, merged_into, merged_at, erased_at)
     VALUES ($1, 'brand-lng', $2, $3, NULL, 'MEMBER', 'POS', $4, $5, $6, $7, $8, $9, CASE WHEN $9::text IS NULL THEN NULL ELSE $8::timestamptz + interval '1 day' END,
             CASE WHEN $10 THEN $8::timestamptz + interval '2 days' END)`,
    [m.id, `oid-${m.id}`, m.erased ? null : `会员${m.id}`, m.joinStore, m.homeStore, open ? 'gd-lng-h4-1' : null, open ? open[0] : null, m.joinedAt, m.mergedInto ?? null, m.erased ?? false],
  );
  for (const [channel, boundAt] of m.identities ?? []) {
    await h.db.query(`INSERT INTO members.channel_identity (brand_id, channel, app_id, external_id, member_id, bound_at) VALUES ('brand-lng', $1, 'app-h4', $2, $2, $3)`, [channel, m.id, boundAt]);
  }
  for (const [from, to] of m.guides ?? []) {
    await h.db.query(`INSERT INTO members.guide_assignment (member_id, guide_id, reason, from_at, to_at) VALUES ($1, 'gd-lng-h4-1', 'ASSIGNED', $2, $3)`, [m.id, from, to]);
  }
}

let orderSeq = 0;
/** An orders.order.paid payload of the documented shape (docs/events.md). */
function paid(o: { storeId: string | null; memberId: string | null; paidAt: string; inStore?: boolean; channel?: string; paidFen?: number; orderId?: string }) {
  const orderId = o.orderId ?? `ord-h4-${++orderSeq}`;
  return {
    orderId,
    brandId: 'brand-lng',
    storeId: o.storeId,
    franchiseeId: o.storeId ? 'fr-lng-a' : null,
    memberId: o.memberId,
    guideId: null,
    channel: o.channel ?? 'POS',
    fulfillment: o.inStore === false ? 'DELIVERY' : 'IN_STORE',
    inStore: o.inStore ?? true,
    totalFen: o.paidFen ?? 19900,
    paidFen: o.paidFen ?? 19900,
    currency: 'CNY',
    placedAt: o.paidAt,
    paidAt: o.paidAt,
  };
}

/** An orders.order.refunded payload of the documented shape. */
function refunded(orderId: string, amountFen: number, refundedFen: number, paidFen = 19900) {
  return {
    orderId,
    refundId: `rfd-${orderId}-${refundedFen}`,
    brandId: 'brand-lng',
    storeId: S,
    memberId: null,
    amountFen,
    refundedFen,
    paidFen,
    currency: 'CNY',
    fullyRefunded: refundedFen === paidFen,
    refundedAt: '2026-03-15T12:00:00+08:00',
  };
}

const applyPaid = (payload: unknown) => h.db.transaction((tx) => applyOrderPaid(tx, payload));
const applyRefunded = (payload: unknown) => h.db.transaction((tx) => applyOrderRefunded(tx, payload));

async function setUp(): Promise<void> {
  await h.db.query(
    `INSERT INTO members.store_directory (store_id, brand_id, franchisee_id) VALUES ($1, 'brand-lng', 'fr-lng-a'), ($2, 'brand-lng', 'fr-lng-a')`,
    [S, S2],
  );
  const members: TestMember[] = [
    // Joined in the period: n1, n2 and n7 at S (n7's home store is S2: the join store counts); n3 at S2; n4 at S
    // but merged into n1; n6 exactly at TO (outside).
    { id: 'mem-h4-n1', joinedAt: '2026-03-05T10:00:00+08:00', joinStore: S, homeStore: S },
    { id: 'mem-h4-n2', joinedAt: '2026-03-20T10:00:00+08:00', joinStore: S, homeStore: S },
    { id: 'mem-h4-n3', joinedAt: '2026-03-06T10:00:00+08:00', joinStore: S2, homeStore: S2 },
    { id: 'mem-h4-n4', joinedAt: '2026-03-07T10:00:00+08:00', joinStore: S, homeStore: S, mergedInto: 'mem-h4-n1' },
    { id: 'mem-h4-n6', joinedAt: TO, joinStore: S, homeStore: S },
    { id: 'mem-h4-n7', joinedAt: FROM, joinStore: S, homeStore: S2 },
    // Joined before the period, home store S (the historical members).
    { id: 'mem-h4-h1', joinedAt: '2025-06-01T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['WECHAT', '2025-06-01T10:00:00+08:00']], guides: [['2025-06-01T10:00:00+08:00', null]] },
    { id: 'mem-h4-h2', joinedAt: '2025-01-10T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['POS', '2025-01-10T10:00:00+08:00'], ['WECOM', '2026-03-15T10:00:00+08:00']], guides: [['2025-01-10T10:00:00+08:00', null]] },
    { id: 'mem-h4-h3', joinedAt: '2025-01-10T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['WECHAT', '2025-01-10T10:00:00+08:00']], guides: [['2025-01-10T10:00:00+08:00', '2026-03-10T10:00:00+08:00']] },
    { id: 'mem-h4-h4', joinedAt: '2025-02-01T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['TMALL', '2025-02-01T10:00:00+08:00']], guides: [['2025-02-01T10:00:00+08:00', null]] },
    { id: 'mem-h4-h5', joinedAt: '2025-02-01T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['WECHAT', TO]], guides: [['2025-02-01T10:00:00+08:00', null]] },
    { id: 'mem-h4-h6', joinedAt: ms(FROM, -60_000), joinStore: S, homeStore: S, identities: [['POS', ms(FROM, -60_000)]] },
    { id: 'mem-h4-h7', joinedAt: '2025-03-01T10:00:00+08:00', joinStore: S, homeStore: S, mergedInto: 'mem-h4-h1' },
    { id: 'mem-h4-h8', joinedAt: '2025-03-01T10:00:00+08:00', joinStore: S, homeStore: S, erased: true, guides: [['2025-03-01T10:00:00+08:00', null]] },
    { id: 'mem-h4-h9', joinedAt: '2025-04-01T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['WECHAT', '2025-04-01T10:00:00+08:00']], guides: [['2025-04-01T10:00:00+08:00', '2025-05-01T10:00:00+08:00'], [TO, null]] },
    { id: 'mem-h4-h10', joinedAt: '2025-05-01T10:00:00+08:00', joinStore: S, homeStore: S, identities: [['WECOM', '2025-05-01T10:00:00+08:00']], guides: [['2025-05-01T10:00:00+08:00', TO]] },
    // A historical member of S2.
    { id: 'mem-h4-x1', joinedAt: '2025-01-01T10:00:00+08:00', joinStore: S2, homeStore: S2, identities: [['WECHAT', '2025-01-01T10:00:00+08:00']], guides: [['2025-01-01T10:00:00+08:00', null]] },
  ];
  for (const m of members) await insertMember(m);

  const purchases = [
    // Guests' orders: g1 and g2 count for S (in the store, in the period, without a member).
    paid({ orderId: 'ord-h4-g1', storeId: S, memberId: null, paidAt: '2026-03-10T12:00:00+08:00' }),
    paid({ orderId: 'ord-h4-g2', storeId: S, memberId: null, paidAt: '2026-03-11T12:00:00+08:00' }),
    paid({ orderId: 'ord-h4-g3', storeId: S, memberId: null, paidAt: '2026-03-12T12:00:00+08:00', inStore: false, channel: 'WECHAT_MINIPROGRAM' }),
    paid({ orderId: 'ord-h4-g5', storeId: S, memberId: null, paidAt: '2026-02-20T12:00:00+08:00' }),
    paid({ orderId: 'ord-h4-g6', storeId: S2, memberId: null, paidAt: '2026-03-10T12:00:00+08:00' }),
    paid({ orderId: 'ord-h4-g7', storeId: S, memberId: null, paidAt: TO }),
    // Members' orders.
    paid({ storeId: S, memberId: 'mem-h4-h1', paidAt: '2026-01-15T12:00:00+08:00' }),
    paid({ storeId: S, memberId: 'mem-h4-h2', paidAt: '2025-08-01T12:00:00+08:00' }),
    paid({ storeId: S, memberId: 'mem-h4-h2', paidAt: '2026-03-20T12:00:00+08:00' }),
    paid({ storeId: null, memberId: 'mem-h4-h4', paidAt: '2026-03-25T12:00:00+08:00', inStore: false, channel: 'TMALL' }),
    paid({ storeId: S, memberId: 'mem-h4-h5', paidAt: DORMANT_FROM }),
    paid({ orderId: 'ord-h4-g4', storeId: S, memberId: 'mem-h4-h6', paidAt: '2026-03-02T12:00:00+08:00' }),
    paid({ storeId: S, memberId: 'mem-h4-h9', paidAt: ms(FROM, -1) }),
    paid({ storeId: S, memberId: 'mem-h4-h10', paidAt: '2025-12-01T12:00:00+08:00' }),
    paid({ storeId: S, memberId: 'mem-h4-h10', paidAt: '2026-03-03T12:00:00+08:00' }),
    // h3 bought just before the dormancy window: still dormant.
    paid({ storeId: S, memberId: 'mem-h4-h3', paidAt: ms(DORMANT_FROM, -1) }),
  ];
  for (const p of purchases) await applyPaid(p);
}

type Ratio = { numerator: number; denominator: number; rate: number | null };
type Metrics = { newMembers: number; nonMemberJoinRate: Ratio; historicalMemberOnlineRate: Ratio; dormantReactivationRate: Ratio };
const METRICS = `query($r: [_Any!]!, $from: DateTime!, $to: DateTime!) { _entities(representations: $r) { ... on Store { id memberMetrics(period: { from: $from, to: $to }) {
  newMembers nonMemberJoinRate { numerator denominator rate } historicalMemberOnlineRate { numerator denominator rate } dormantReactivationRate { numerator denominator rate } } } } }`;
type MetricsData = { _entities: { id: string; memberMetrics: Metrics | null }[] };
const reps = (ids: readonly string[]) => ids.map((id) => ({ __typename: 'Store', id }));

async function metricsOf(storeId: string, viewer: TestViewer = as.platform, from = FROM, to = TO): Promise<Metrics | null> {
  const data = await h.data<MetricsData>(viewer, METRICS, { r: reps([storeId]), from, to });
  return data._entities[0]!.memberMetrics;
}

describe('store member metrics on a hand-checked data set', () => {
  it('counts new members: joined at the store in [from, to), merged members left out', async () => {
    // n1, n2 and n7 (joined at S exactly at FROM, home store S2); not n3 (S2), n4 (merged), n6 (exactly at TO).
    expect((await metricsOf(S))!.newMembers).toBe(3);
    expect((await metricsOf(S2))!.newMembers).toBe(1); // n3
  });

  it('non-member join rate: joined / (joined + in-store guest orders of the period)', async () => {
    // Guest orders of S in the period in the store: g1, g2 (g2 is refunded below: a refund does not undo the visit).
    // Not g3 (delivered), g4 (a member's), g5 (before), g6 (S2), g7 (exactly at TO).
    expect((await metricsOf(S))!.nonMemberJoinRate).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
    expect((await metricsOf(S2))!.nonMemberJoinRate).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
  });

  it('historical member online rate: joined before the period, WeChat/WeCom bound and a guide assigned at its end', async () => {
    // Historical members of S: h1..h6, h8 (erased: still counted), h9, h10 = 9 (h7 merged; n* joined in the period).
    // Online: h1 (WeChat + open binding), h2 (WeCom bound in the period), h10 (binding ends exactly at TO) = 3.
    // Not: h3 (binding ended in the period), h4 (Tmall only), h5 (WeChat bound exactly at TO), h6 (POS, no guide),
    // h8 (erased: no accounts), h9 (binding starts exactly at TO).
    expect((await metricsOf(S))!.historicalMemberOnlineRate).toEqual({ numerator: 3, denominator: 9, rate: 3 / 9 });
  });

  it('dormant reactivation rate: no paid order in the 180 days before the period, one in it', async () => {
    // Dormant: h2 (last bought 2025-08-01), h3 (1 ms before the window), h4, h6 (joined 1 min before FROM), h8 = 5.
    // Not dormant: h1 (2026-01-15), h5 (exactly at FROM - 180 days), h9 (1 ms before FROM), h10 (2025-12-01).
    // Reactivated: h2 (at S), h4 (on Tmall, without a store), h6 = 3.
    expect((await metricsOf(S))!.dormantReactivationRate).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
  });

  it('gives a null rate when the denominator is 0', async () => {
    const empty = await metricsOf(S, as.platform, '2030-01-01T00:00:00+08:00', '2030-02-01T00:00:00+08:00');
    expect(empty!.newMembers).toBe(0);
    expect(empty!.nonMemberJoinRate).toEqual({ numerator: 0, denominator: 0, rate: null });
    // every historical member of S is dormant in 2030 and nobody bought: 0 of 12 (h1..h10 less h7, and n1, n2, n6)
    expect(empty!.dormantReactivationRate).toEqual({ numerator: 0, denominator: 12, rate: 0 });
  });
});

describe('the purchases read model', () => {
  const purchase = async (orderId: string) =>
    (await h.db.query<{ memberId: string | null; refundedFen: number; paidFen: number }>(
      `SELECT member_id AS "memberId", refunded_fen AS "refundedFen", paid_fen AS "paidFen" FROM members.purchase WHERE order_id = $1`,
      [orderId],
    ))[0];

  it('keeps a paid order once: a redelivered or repeated paid event changes nothing', async () => {
    const before = await metricsOf(S);
    const again = paid({ orderId: 'ord-h4-g1', storeId: S, memberId: null, paidAt: '2026-03-10T12:00:00+08:00' });
    await applyPaid(again);
    await applyPaid({ ...again, paidFen: 1, inStore: false });
    expect(await purchase('ord-h4-g1')).toEqual({ memberId: null, refundedFen: 0, paidFen: 19900 });
    const count = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM members.purchase WHERE order_id = 'ord-h4-g1'`);
    expect(count[0]!.n).toBe(1);
    expect(await metricsOf(S)).toEqual(before);
  });

  it('applies refunds as the sum so far: repeated and late refunds change nothing', async () => {
    await applyRefunded(refunded('ord-h4-g2', 5000, 5000));
    expect((await purchase('ord-h4-g2'))!.refundedFen).toBe(5000);
    await applyRefunded(refunded('ord-h4-g2', 14900, 19900));
    await applyRefunded(refunded('ord-h4-g2', 14900, 19900));
    // the first refund's event arrives again, late
    await applyRefunded(refunded('ord-h4-g2', 5000, 5000));
    expect((await purchase('ord-h4-g2'))!.refundedFen).toBe(19900);
    // a fully refunded guest order still counts as a visit
    expect((await metricsOf(S))!.nonMemberJoinRate).toEqual({ numerator: 3, denominator: 5, rate: 0.6 });
  });

  it('keeps a refund that arrives before its paid event and applies it when the order arrives', async () => {
    await applyRefunded(refunded('ord-h4-early', 3000, 3000));
    expect(await purchase('ord-h4-early')).toBeUndefined();
    await applyPaid(paid({ orderId: 'ord-h4-early', storeId: S2, memberId: null, paidAt: '2026-05-01T12:00:00+08:00' }));
    expect(await purchase('ord-h4-early')).toEqual({ memberId: null, refundedFen: 3000, paidFen: 19900 });
  });

  it("files a merged member's order under its survivor (along a chain)", async () => {
    await insertMember({ id: 'mem-h4-c1', joinedAt: '2025-03-01T10:00:00+08:00', joinStore: S2, homeStore: S2, mergedInto: 'mem-h4-h7' });
    await applyPaid(paid({ orderId: 'ord-h4-merged', storeId: S, memberId: 'mem-h4-h7', paidAt: '2026-05-02T12:00:00+08:00' }));
    await applyPaid(paid({ orderId: 'ord-h4-chain', storeId: S, memberId: 'mem-h4-c1', paidAt: '2026-05-02T12:00:00+08:00' }));
    expect((await purchase('ord-h4-merged'))!.memberId).toBe('mem-h4-h1');
    expect((await purchase('ord-h4-chain'))!.memberId).toBe('mem-h4-h1');
    // a member members does not know is kept as given
    await applyPaid(paid({ orderId: 'ord-h4-unknown', storeId: S, memberId: 'mem-not-here', paidAt: '2026-05-02T12:00:00+08:00' }));
    expect((await purchase('ord-h4-unknown'))!.memberId).toBe('mem-not-here');
  });

  it('applies parallel deliveries of one order once, and the largest refund of parallel refunds', async () => {
    const order = paid({ orderId: 'ord-h4-parallel', storeId: S2, memberId: null, paidAt: '2026-05-04T12:00:00+08:00' });
    await Promise.all(Array.from({ length: 8 }, () => applyPaid(order)));
    await Promise.all([1000, 7000, 3000, 5000].map((sum) => applyRefunded(refunded('ord-h4-parallel', sum, sum))));
    const rows = await h.db.query<{ refundedFen: number }>(`SELECT refunded_fen AS "refundedFen" FROM members.purchase WHERE order_id = 'ord-h4-parallel'`);
    expect(rows).toEqual([{ refundedFen: 7000 }]);
  });

  it('loses no refund applied while its paid event is applied', async () => {
    const orders = Array.from({ length: 12 }, (_, i) => `ord-h4-race-${i}`);
    await Promise.all(
      orders.flatMap((orderId) => [
        applyPaid(paid({ orderId, storeId: S2, memberId: null, paidAt: '2026-05-05T12:00:00+08:00' })),
        applyRefunded(refunded(orderId, 2500, 2500)),
      ]),
    );
    const rows = await h.db.query<{ refundedFen: number }>(`SELECT refunded_fen AS "refundedFen" FROM members.purchase WHERE order_id = ANY($1::text[])`, [orders]);
    expect(rows).toEqual(orders.map(() => ({ refundedFen: 2500 })));
  });

  it('files an order that arrives during a merge of its member under the survivor', async () => {
    await insertMember({ id: 'mem-h4-m1', joinedAt: '2025-03-01T10:00:00+08:00', joinStore: S2, homeStore: S2 });
    await insertMember({ id: 'mem-h4-m2', joinedAt: '2025-03-01T10:00:00+08:00', joinStore: S2, homeStore: S2 });
    let applying: Promise<void> | undefined;
    await h.db.transaction(async (tx) => {
      // the merge holds the member's row until it commits, as mergeMembers does
      await tx.query(`SELECT 1 FROM members.member WHERE id = 'mem-h4-m1' FOR UPDATE`);
      await tx.query(`UPDATE members.member SET merged_into = 'mem-h4-m2', merged_at = now() WHERE id = 'mem-h4-m1'`);
      applying = applyPaid(paid({ orderId: 'ord-h4-during-merge', storeId: S2, memberId: 'mem-h4-m1', paidAt: '2026-05-06T12:00:00+08:00' }));
      await new Promise((r) => setTimeout(r, 300));
    });
    await applying;
    expect((await purchase('ord-h4-during-merge'))!.memberId).toBe('mem-h4-m2');
  });

  it('refuses a payload that lacks a needed field or holds a wrong value, writing nothing', async () => {
    const good = paid({ orderId: 'ord-h4-bad', storeId: S, memberId: null, paidAt: '2026-05-03T12:00:00+08:00' });
    const { paidFen: _paidFen, ...withoutPaid } = good;
    const { memberId: _memberId, ...withoutMember } = good;
    await expect(applyPaid(withoutPaid)).rejects.toThrow(/paidFen/);
    await expect(applyPaid(withoutMember)).rejects.toThrow(/memberId/);
    await expect(applyPaid({ ...good, channel: 'FAX' })).rejects.toThrow(/channel/);
    await expect(applyPaid({ ...good, paidAt: 'yesterday' })).rejects.toThrow(/paidAt/);
    await expect(applyPaid({ ...good, paidFen: -1 })).rejects.toThrow(/paidFen/);
    await expect(applyPaid(null)).rejects.toThrow(/not an object/);
    const { refundedFen: _r, ...refundWithout } = refunded('ord-h4-bad', 1, 1);
    await expect(applyRefunded(refundWithout)).rejects.toThrow(/refundedFen/);
    expect(await purchase('ord-h4-bad')).toBeUndefined();
    const early = await h.db.query(`SELECT 1 FROM members.order_refund WHERE order_id = 'ord-h4-bad'`);
    expect(early).toHaveLength(0);
  });

  it("applies events published on the transport once, however often they are delivered", async () => {
    const transport = new PostgresTransport({ db: h.db });
    const envelope = (topic: string, key: string, payload: unknown): EventEnvelope => ({
      id: crypto.randomUUID(),
      topic,
      key,
      payload,
      occurredAt: new Date().toISOString(),
      source: 'orders',
    });
    const paidEvent = envelope(ORDER_PAID_TOPIC, 'ord-h4-pub', paid({ orderId: 'ord-h4-pub', storeId: S, memberId: 'mem-h4-h3', paidAt: '2026-03-30T12:00:00+08:00' }));
    const refundEvent = envelope(ORDER_REFUNDED_TOPIC, 'ord-h4-pub', { ...refunded('ord-h4-pub', 900, 900), memberId: 'mem-h4-h3' });
    await transport.publish(ORDER_PAID_TOPIC, paidEvent);
    await transport.publish(ORDER_PAID_TOPIC, paidEvent);
    await transport.publish(ORDER_REFUNDED_TOPIC, refundEvent);
    await transport.publish(ORDER_REFUNDED_TOPIC, refundEvent);
    await waitFor(async () => (await purchase('ord-h4-pub'))?.refundedFen === 900);
    const processed = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM members.processed_events WHERE event_id = ANY($1::uuid[])`, [[paidEvent.id, refundEvent.id]]);
    expect(processed[0]!.n).toBe(2);
    expect(await purchase('ord-h4-pub')).toEqual({ memberId: 'mem-h4-h3', refundedFen: 900, paidFen: 19900 });
    // h3 (dormant) bought in the period: reactivated now.
    expect((await metricsOf(S))!.dormantReactivationRate).toEqual({ numerator: 4, denominator: 5, rate: 0.8 });
    await transport.close();
  });
});

async function waitFor(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('timed out waiting for the consumer');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('who sees store metrics', () => {
  it.each([
    ['the platform', as.platform],
    ['the brand admin', as.lngAdmin],
    ["the store's operator", as.lngFranchiseeA],
  ])('%s sees them', async (_who, viewer) => {
    expect((await metricsOf(S, viewer))!.newMembers).toBeGreaterThan(0);
  });

  it.each([
    ['another franchisee', as.lngFranchiseeB],
    ["another brand's admin", as.csmAdmin],
    ["another store's staff", as.lngStaff03],
    ["another store's guide", as.lngGuide031],
    ['a member', as.lngMember1],
    ['a partner', as.partner],
  ])('%s gets null', async (_who, viewer) => {
    expect(await metricsOf(S, viewer)).toBeNull();
  });

  it("a store's staff and guides see their own store's", async () => {
    expect(await metricsOf('store-lng-03', as.lngStaff03)).not.toBeNull();
    expect(await metricsOf('store-lng-03', as.lngGuide031)).not.toBeNull();
  });

  it('an anonymous caller is UNAUTHENTICATED', async () => {
    expect(errorCodes(await h.gql(as.anonymous, METRICS, { r: reps([S]), from: FROM, to: TO }))).toContain('UNAUTHENTICATED');
  });
});

describe('the period', () => {
  it.each([
    ['from after to', TO, FROM],
    ['an empty period', FROM, FROM],
    ['more than 366 days', '2025-01-01T00:00:00+08:00', '2026-01-02T00:00:01+08:00'],
  ])('refuses %s with BAD_USER_INPUT', async (_what, from, to) => {
    const res = await h.gql(as.platform, METRICS, { r: reps([S]), from, to });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.message).toMatch(/period/);
  });

  it('accepts 366 days (a leap year)', async () => {
    expect(await metricsOf(S, as.platform, '2028-01-01T00:00:00+08:00', '2029-01-01T00:00:00+08:00')).not.toBeNull();
  });
});

describe('SQL statements', () => {
  it('computes the metrics of 2 and of 10 stores in one statement', async () => {
    const ids = DEMO_STORES.filter((s) => s.brandId === 'brand-lng').map((s) => s.id);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    const two = await h.countStatements<MetricsData>(as.lngAdmin, METRICS, { r: reps(ids.slice(0, 2)), from: FROM, to: TO });
    const ten = await h.countStatements<MetricsData>(as.lngAdmin, METRICS, { r: reps(ids.slice(0, 10)), from: FROM, to: TO });
    expect(ten.res.errors).toBeUndefined();
    expect(ten.res.data!._entities.every((e) => e.memberMetrics !== null)).toBe(true);
    expect(ten.statements).toBe(two.statements);
    expect(ten.statements).toBe(1);
  });
});
