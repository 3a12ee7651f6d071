import type { SubgraphHarness, TestViewer } from '@retail/platform/testing';
import { applyOrderPaid, applyOrderRefunded, expirePoints, reconcile } from '../src';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';
import { startPointsWithMembers } from './members-peer';

// Conservation across the graph, as a seeded property test: a fixed-seed random mix of earns (orders.order.paid),
// refunds (orders.order.refunded), redemptions, exchanges (quote + commit), reversals and expiry runs, a few at a
// time in parallel. Afterwards: issued − spent − expired = total balances, every account's books add up, the
// ledger holds exactly the effects the clients were told succeeded, and the settlement statement matches the exchanges.

const SEED = 20261201;
const OPERATIONS = 300;
const PARALLEL = 5;

/** mulberry32: a small PRNG with a fixed seed, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let h: SubgraphHarness;
let members: Awaited<ReturnType<typeof startPointsWithMembers>>['members'];
let close: () => Promise<void>;
beforeAll(async () => {
  ({ h, members, close } = await startPointsWithMembers(10000));
}, 60_000);
afterAll(async () => {
  await close?.();
});

interface UserErr {
  code: string;
}
const QUOTE = `mutation($input: QuotePointsExchangeInput!) { quotePointsExchange(input: $input) { quote { id fromPoints toPoints } userErrors { code } } }`;
const COMMIT = `mutation($input: CommitPointsExchangeInput!) { commitPointsExchange(input: $input) { exchange { id } userErrors { code } } }`;
const REVERSE = `mutation($input: ReversePointsExchangeInput!) { reversePointsExchange(input: $input) { exchange { id status } userErrors { code } } }`;
const REDEEM = `mutation($input: RedeemPointsInput!) { redeemPoints(input: $input) { transaction { points } userErrors { code } } }`;

/** A request, sent again with the same input while the answer is a retryable error (a client's retry). */
async function send<D>(viewer: TestViewer, query: string, input: Record<string, unknown>): Promise<D> {
  for (let attempt = 1; ; attempt++) {
    const res = await h.gql<D>(viewer, query, { input });
    if (res.data && !res.errors?.length) return res.data;
    if (!res.errors?.every((e) => e.extensions?.retryable === true) || attempt === 8) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  }
}

describe('conservation', () => {
  it(`holds after ${OPERATIONS} seeded random earns, refunds, redemptions, exchanges, reversals and expiry runs`, async () => {
    const random = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const started = new Date(Date.now() - 1_000).toISOString();

    // Five people with memberships at both brands; an agreement 10:8 at 0.02 CNY a point, limits out of the way.
    const people = ['a', 'b', 'c', 'd', 'e'].map((n) => {
      const p = { lng: `mem-lng-pc-${n}`, csm: `mem-csm-pc-${n}` };
      members.facts.set(p.lng, { memberId: p.lng, brandId: 'brand-lng', oneId: `oid-pc-${n}`, erased: false });
      members.facts.set(p.csm, { memberId: p.csm, brandId: 'brand-csm', oneId: `oid-pc-${n}`, erased: false });
      return p;
    });
    const created = await h.data<{ createPartnerAgreement: { agreement: { id: string } } }>(
      as.lngPartnerAdmin,
      `mutation($input: CreatePartnerAgreementInput!) { createPartnerAgreement(input: $input) { agreement { id } } }`,
      { input: { fromBrandId: 'brand-lng', toBrandId: 'brand-csm', rate: { fromPoints: 10, toPoints: 8 }, minPoints: 10, dailyLimitPerMember: 10_000_000, pricePerPoint: { amount: '0.02', currency: 'CNY' }, validFrom: '2024-01-01T00:00:00Z' } },
    );
    const agreementId = created.createPartnerAgreement.agreement.id;
    await h.data(as.csmPartnerAdmin, `mutation { acceptPartnerAgreement(input: { agreementId: "${agreementId}" }) { userErrors { code } } }`);
    await h.data(as.csmPartnerAdmin, `mutation { setPartnerAgreementActive(input: { agreementId: "${agreementId}", active: true }) { userErrors { code } } }`);

    // What the clients were told: the model the ledger must match.
    const model = { earned: 0, redeemed: 0, exchangedOut: 0, exchangedIn: 0, exchanges: 0, reversals: 0, reversedOut: 0, reversedIn: 0 };
    const orders: { orderId: string; paidFen: number; refundedFen: number; full: boolean }[] = [];
    const exchanges: { id: string; fromPoints: number; toPoints: number; reversed: boolean }[] = [];
    const kinds = { earn: 0, refund: 0, redeem: 0, exchange: 0, reverse: 0, expire: 0 };
    let n = 0;

    const operation = (): (() => Promise<void>) => {
      const roll = random();
      const p = pick(people);
      const id = ++n;
      if (roll < 0.3 || orders.length === 0) {
        kinds.earn++;
        const paidFen = between(1_000, 80_000);
        const order = { orderId: `ord-pc-${id}`, paidFen, refundedFen: 0, full: false };
        orders.push(order);
        // Paid ten days ago: past brand-lng's 7 days' holding, so the points are spendable.
        const paidAt = new Date(Date.now() - 10 * 86_400_000).toISOString();
        return async () => {
          await h.db.transaction((tx) => applyOrderPaid(tx, { orderId: order.orderId, brandId: 'brand-lng', storeId: 'store-lng-01', memberId: p.lng, paidFen, currency: 'CNY', paidAt }));
          model.earned += Math.floor(paidFen / 100); // brand-lng: 1 point per yuan
        };
      }
      if (roll < 0.4) {
        kinds.refund++;
        const order = pick(orders);
        if (order.full) return async () => undefined;
        const amountFen = Math.min(order.paidFen - order.refundedFen, between(100, order.paidFen));
        order.refundedFen += amountFen;
        order.full = order.refundedFen >= order.paidFen;
        const refund = { orderId: order.orderId, refundId: `rf-pc-${id}`, paidFen: order.paidFen, refundedFen: order.refundedFen, fullyRefunded: order.full };
        return () => h.db.transaction((tx) => applyOrderRefunded(tx, refund));
      }
      if (roll < 0.6) {
        kinds.redeem++;
        const points = between(1, 300);
        return async () => {
          const r = await send<{ redeemPoints: { userErrors: UserErr[] } }>(as.platform, REDEEM, { idempotencyKey: `pc-redeem-${id}`, memberId: p.lng, points, reason: 'coupon' });
          if (r.redeemPoints.userErrors.length === 0) model.redeemed += points;
          // NOT_FOUND: no account before the person's first earn.
          else expect(['INSUFFICIENT_POINTS', 'NOT_FOUND']).toContain(r.redeemPoints.userErrors[0]!.code);
        };
      }
      if (roll < 0.85) {
        kinds.exchange++;
        const fromPoints = between(10, 400);
        const me: TestViewer = { role: 'MEMBER', brandId: 'brand-lng', memberId: p.lng };
        return async () => {
          const q = await send<{ quotePointsExchange: { quote: { id: string; toPoints: number } | null; userErrors: UserErr[] } }>(me, QUOTE, {
            agreementId,
            fromMemberId: p.lng,
            toMemberId: p.csm,
            fromPoints,
          });
          if (!q.quotePointsExchange.quote) {
            expect(q.quotePointsExchange.userErrors[0]!.code).toBe('INSUFFICIENT_POINTS');
            return;
          }
          const c = await send<{ commitPointsExchange: { exchange: { id: string } | null; userErrors: UserErr[] } }>(me, COMMIT, { idempotencyKey: `pc-commit-${id}`, quoteId: q.quotePointsExchange.quote.id });
          if (!c.commitPointsExchange.exchange) {
            // Spent by a parallel operation between the quote and the commit.
            expect(c.commitPointsExchange.userErrors[0]!.code).toBe('INSUFFICIENT_POINTS');
            return;
          }
          const toPoints = q.quotePointsExchange.quote.toPoints;
          expect(toPoints).toBe(Math.floor((fromPoints * 8) / 10));
          exchanges.push({ id: c.commitPointsExchange.exchange.id, fromPoints, toPoints, reversed: false });
          model.exchanges++;
          model.exchangedOut += fromPoints;
          model.exchangedIn += toPoints;
        };
      }
      if (roll < 0.93) {
        kinds.reverse++;
        const which = random();
        return async () => {
          const open = exchanges.filter((e) => !e.reversed);
          const x = open[Math.floor(which * open.length)];
          if (!x) return;
          x.reversed = true;
          const r = await send<{ reversePointsExchange: { exchange: { status: string } | null; userErrors: UserErr[] } }>(as.lngPartnerAdmin, REVERSE, {
            idempotencyKey: `pc-reverse-${id}`,
            exchangeId: x.id,
            reason: 'property test',
          });
          if (r.reversePointsExchange.exchange) {
            model.reversals++;
            model.reversedOut += x.fromPoints;
            model.reversedIn += x.toPoints;
          } else {
            // The receiver spent or lost them meanwhile: the exchange stands.
            expect(r.reversePointsExchange.userErrors[0]!.code).toBe('INSUFFICIENT_POINTS');
            x.reversed = false;
          }
        };
      }
      kinds.expire++;
      const offset = between(0, 20);
      return async () => {
        // Time passes for one lot of the people: it lapses; then the expiry job runs.
        await h.db.query(
          `UPDATE points.lot SET available_at = LEAST(available_at, now() - interval '2 seconds'), expires_at = now() - interval '1 second'
            WHERE id = (SELECT l.id FROM points.lot l JOIN points.account a ON a.id = l.account_id WHERE a.member_id LIKE 'mem-%-pc-%' AND l.remaining > 0 ORDER BY l.id OFFSET $1 LIMIT 1)`,
          [offset],
        );
        await expirePoints(h.db);
      };
    };

    for (let done = 0; done < OPERATIONS; done += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, OPERATIONS - done) }, operation);
      await Promise.all(batch.map((run) => run()));
    }
    // Every kind of operation ran.
    expect(Object.values(kinds).every((k) => k > 0)).toBe(true);

    const r = await reconcile(h.db);
    expect(r).toMatchObject({ unbalanced: 0, accountsOff: 0, lotsOff: 0, exchangesOff: 0, strayEntries: 0, duplicateQuotes: 0, settlementOff: 0 });
    expect(r.issued - r.spent - r.expired).toBe(r.balances);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);

    // The ledger holds exactly what the clients were told: earns, redemptions, exchanges and their reversals.
    const [sums] = await h.db.query<Record<string, number>>(
      `SELECT COALESCE(sum(e.points) FILTER (WHERE e.kind = 'EARN'), 0)::int AS earned,
              COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'REDEEM'), 0)::int AS redeemed,
              COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'EXCHANGE_OUT'), 0)::int AS "exchangedOut",
              COALESCE(sum(e.points) FILTER (WHERE e.kind = 'EXCHANGE_IN'), 0)::int AS "exchangedIn",
              COALESCE(sum(e.points) FILTER (WHERE e.kind = 'REVERSAL' AND e.exchange_id IS NOT NULL AND e.points > 0), 0)::int AS "reversedOut",
              COALESCE(-sum(e.points) FILTER (WHERE e.kind = 'REVERSAL' AND e.exchange_id IS NOT NULL AND e.points < 0), 0)::int AS "reversedIn"
         FROM points.entry e JOIN points.account a ON a.id = e.account_id WHERE a.member_id LIKE 'mem-%-pc-%'`,
    );
    expect(sums).toEqual({
      earned: model.earned,
      redeemed: model.redeemed,
      exchangedOut: model.exchangedOut,
      exchangedIn: model.exchangedIn,
      reversedOut: model.reversedOut,
      reversedIn: model.reversedIn,
    });

    // The settlement statement over the run matches the exchanges net of reversals.
    const st = await h.data<{ partnerSettlement: { exchangeCount: number; pointsOut: number; pointsIn: number; amountOwed: { amount: string } } }>(
      as.csmSettlement,
      `query($a: ID!, $p: PeriodInput!) { partnerSettlement(agreementId: $a, period: $p) { exchangeCount pointsOut pointsIn amountOwed { amount } } }`,
      { a: agreementId, p: { from: started, to: new Date(Date.now() + 60_000).toISOString() } },
    );
    const netIn = model.exchangedIn - model.reversedIn;
    expect(st.partnerSettlement).toEqual({
      exchangeCount: model.exchanges - model.reversals,
      pointsOut: model.exchangedOut - model.reversedOut,
      pointsIn: netIn,
      amountOwed: { amount: ((netIn * 2) / 100).toFixed(2) },
    });
    // The mix really exercised each path.
    expect(model.exchanges).toBeGreaterThan(10);
    expect(model.reversals).toBeGreaterThan(0);
    expect(r.expired).toBeGreaterThan(0);
    expect(model.redeemed).toBeGreaterThan(0);
    expect((await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM points.order_refund WHERE taken > 0`))[0]!.n).toBeGreaterThan(0);
  }, 240_000);
});
