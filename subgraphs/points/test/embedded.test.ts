import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { expirePoints, pointsSubgraph, reconcile } from '../src';
import { DEMO_ACCOUNTS, DEMO_EXCHANGERS } from '../src/demo/data';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';

// The same subgraph on the embedded database (PGlite over pglite-socket), as `npm start` runs it.
let h: SubgraphHarness;
beforeAll(async () => {
  process.env.POINTS_REDEEM_LIMIT_PER_MINUTE = '100';
  h = await startSubgraphForTest(pointsSubgraph, { database: createTestEmbedded });
}, 120_000);
afterAll(async () => {
  await h?.close();
  delete process.env.POINTS_REDEEM_LIMIT_PER_MINUTE;
});

describe('points on the embedded database', () => {
  it('seeds idempotently through the ledger, and the books add up', async () => {
    const entries = async () => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM points.entry`))[0]!.n;
    const before = await entries();
    await pointsSubgraph.seed(h.db);
    expect(await entries()).toBe(before);
    const expected = DEMO_ACCOUNTS.reduce((n, a) => n + a.lots.length + (a.redeemed > 0 ? 1 : 0), 0);
    // Each exchanger: its credit, two entries per exchange and two per reversal.
    const exchanges = DEMO_EXCHANGERS.reduce((n, p) => n + 1 + p.exchanges.reduce((m, x) => m + 2 + (x.reversedOnDay ? 2 : 0), 0), 0);
    expect(before).toBe(expected + exchanges);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
    expect(await reconcile(h.db)).toMatchObject({ unbalanced: 0, accountsOff: 0, lotsOff: 0, exchangesOff: 0, strayEntries: 0, duplicateQuotes: 0, settlementOff: 0 });
  });

  it('keeps 40 parallel redemptions of one member above zero, and expires once with two jobs at once', async () => {
    // mem-lng-0002's demo balance: 210 + 550 = 760 points, no redemption (src/demo/data.ts).
    const member = { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0002' } as const;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h.data<{ redeemPoints: { userErrors: { code: string }[] } }>(
          member,
          `mutation($input: RedeemPointsInput!) { redeemPoints(input: $input) { userErrors { code } } }`,
          { input: { idempotencyKey: `e-${i}`, memberId: 'mem-lng-0002', points: 20, reason: 'coupon' } },
        ),
      ),
    );
    expect(results.filter((r) => r.redeemPoints.userErrors.length === 0)).toHaveLength(38);
    expect(results.filter((r) => r.redeemPoints.userErrors[0]?.code === 'INSUFFICIENT_POINTS')).toHaveLength(2);
    const d = await h.data<{ pointsAccount: { balance: number } }>(as.platform, `{ pointsAccount(memberId: "mem-lng-0002") { balance } }`);
    expect(d.pointsAccount.balance).toBe(0);

    await h.db.query(`UPDATE points.lot SET expires_at = now() - interval '1 second' WHERE remaining > 0 AND released_at IS NOT NULL AND expires_at < now() + interval '10 days'`);
    const lapsing = (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM points.lot WHERE remaining > 0 AND expires_at <= now()`))[0]!.n;
    expect(lapsing).toBeGreaterThan(0);
    const runs = await Promise.all([expirePoints(h.db), expirePoints(h.db)]);
    expect(runs[0]!.expired + runs[1]!.expired).toBe(lapsing);
    expect((await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM points.entry WHERE kind = 'EXPIRE'`))[0]!.n).toBe(lapsing);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  }, 60_000);
});
