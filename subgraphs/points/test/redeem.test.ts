import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { expirePoints, pointsSubgraph } from '../src';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';

// Redemptions: exactly-once under parallel requests, never below zero, FIFO by expiry, pending and lapsed points not
// spendable, the velocity limit, idempotency keys, adjustments and their audit.

let h: SubgraphHarness;
beforeAll(async () => {
  // High enough for the 200 parallel redemptions of one member; the limit itself is tested on its own subgraph below.
  process.env.POINTS_REDEEM_LIMIT_PER_MINUTE = '1000';
  h = await startSubgraphForTest(pointsSubgraph);
}, 60_000);
afterAll(async () => {
  await h?.close();
  delete process.env.POINTS_REDEEM_LIMIT_PER_MINUTE;
});

interface Written {
  transaction: { id: string; kind: string; points: number; balanceAfter: number; expiresAt: string | null } | null;
  account: { id: string; balance: number; pending: number } | null;
  userErrors: { code: string; field: string[] | null }[];
}

const EARN = `mutation($input: EarnPointsInput!) { earnPoints(input: $input) { transaction { id kind points balanceAfter expiresAt } account { id balance pending } userErrors { code field } } }`;
const REDEEM = `mutation($input: RedeemPointsInput!) { redeemPoints(input: $input) { transaction { id kind points balanceAfter expiresAt } account { id balance pending } userErrors { code field } } }`;
const ADJUST = `mutation($input: AdjustPointsInput!) { adjustPoints(input: $input) { transaction { id kind points balanceAfter expiresAt } account { id balance pending } userErrors { code field } } }`;

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
let seq = 0;
const key = () => `k-${++seq}-${Math.random().toString(36).slice(2)}`;

async function earn(memberId: string, points: number, extra: Record<string, unknown> = {}): Promise<Written> {
  const input = { idempotencyKey: key(), memberId, brandId: 'brand-lng', points, reason: 'test credit', ...extra };
  return (await h.data<{ earnPoints: Written }>(as.service, EARN, { input })).earnPoints;
}
/**
 * A redemption as a client makes it: a retryable refusal (the request's database budget ran out while it queued for
 * the account) is sent again with the same idempotencyKey, so it takes effect once at most.
 */
async function redeem(viewer: typeof as[keyof typeof as], memberId: string, points: number, extra: Record<string, unknown> = {}): Promise<Written> {
  const input = { idempotencyKey: key(), memberId, points, reason: 'coupon', ...extra };
  for (let attempt = 1; ; attempt++) {
    const res = await h.gql<{ redeemPoints: Written }>(viewer, REDEEM, { input });
    if (res.data?.redeemPoints) return res.data.redeemPoints;
    const retryable = res.errors?.every((e) => e.extensions?.retryable === true);
    if (!retryable || attempt === 5) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  }
}
const lotsOf = (memberId: string) =>
  h.db.query<{ points: number; remaining: number; expiresAt: Date }>(
    `SELECT l.points, l.remaining, l.expires_at AS "expiresAt" FROM points.lot l JOIN points.account a ON a.id = l.account_id WHERE a.member_id = $1 ORDER BY l.expires_at`,
    [memberId],
  );

describe('redeemPoints', () => {
  it('200 parallel redemptions never take an account below zero, and the books add up afterwards', async () => {
    const member = 'mem-test-parallel';
    await earn(member, 300, { expiresAt: inDays(30) });
    await earn(member, 300, { expiresAt: inDays(60) });
    await earn(member, 400, { expiresAt: inDays(90) });
    const results = await Promise.all(Array.from({ length: 200 }, () => redeem(as.platform, member, 7)));
    const ok = results.filter((r) => r.userErrors.length === 0);
    const refused = results.filter((r) => r.userErrors.length > 0);
    expect(ok).toHaveLength(142); // 142 × 7 = 994 of 1000
    expect(refused.map((r) => r.userErrors[0]!.code)).toEqual(Array(58).fill('INSUFFICIENT_POINTS'));
    expect(new Set(ok.map((r) => r.transaction!.balanceAfter)).size).toBe(142);
    expect(Math.min(...ok.map((r) => r.transaction!.balanceAfter))).toBe(6);
    const d = await h.data<{ pointsAccount: { balance: number; pending: number } }>(as.platform, `{ pointsAccount(memberId: "${member}") { balance pending } }`);
    expect(d.pointsAccount).toEqual({ balance: 6, pending: 0 });
    // FIFO by expiry: the soonest lots are empty, the last one keeps the rest.
    expect((await lotsOf(member)).map((l) => l.remaining)).toEqual([0, 0, 6]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  }, 60_000);

  it('replays a key with the same request and refuses it with another (IDEMPOTENCY_KEY_REUSED)', async () => {
    const member = 'mem-test-replay';
    await earn(member, 100);
    const input = { idempotencyKey: 'redeem-once', memberId: member, points: 30, reason: 'coupon' };
    const [a, b] = await Promise.all([1, 2].map(() => h.data<{ redeemPoints: Written }>(as.platform, REDEEM, { input })));
    expect(a!.redeemPoints.transaction!.id).toBe(b!.redeemPoints.transaction!.id);
    expect(a!.redeemPoints.account!.balance).toBe(70);
    const reused = await h.data<{ redeemPoints: Written }>(as.platform, REDEEM, { input: { ...input, points: 31 } });
    expect(reused.redeemPoints.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }]);
    expect((await lotsOf(member))[0]!.remaining).toBe(70);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('does not spend pending or lapsed points; INSUFFICIENT_POINTS is a userError on points', async () => {
    const member = 'mem-test-pending';
    await earn(member, 50, { availableAt: inDays(7), expiresAt: inDays(100) });
    const lapsing = await earn(member, 40, { expiresAt: inDays(10) });
    expect((await redeem(as.platform, member, 41)).userErrors).toEqual([{ code: 'INSUFFICIENT_POINTS', field: ['input', 'points'] }]);
    // Ten days pass for the lapsing lot (its expiry moves into the past): it lapses before anything is spent.
    await h.db.query(`UPDATE points.lot SET available_at = now() - interval '2 seconds', expires_at = now() - interval '1 second' WHERE origin_entry_id = $1`, [
      lapsing.transaction!.id,
    ]);
    expect((await redeem(as.platform, member, 1)).userErrors[0]!.code).toBe('INSUFFICIENT_POINTS');
    // The refused redemption rolled back its settlement too; the expiry job books the lapse.
    expect((await expirePoints(h.db)).expired).toBe(1);
    const d = await h.data<{ pointsAccount: { balance: number; pending: number; transactions: { edges: { node: { kind: string; points: number } }[] } } }>(
      as.platform,
      `{ pointsAccount(memberId: "${member}") { balance pending transactions { edges { node { kind points } } } } }`,
    );
    expect(d.pointsAccount.balance).toBe(0);
    expect(d.pointsAccount.pending).toBe(50);
    expect(d.pointsAccount.transactions.edges.map((e) => e.node)).toEqual([
      { kind: 'EXPIRE', points: -40 },
      { kind: 'EARN', points: 40 },
      { kind: 'EARN', points: 50 },
    ]);
    // The holding period ends: the pending points become spendable.
    await h.db.query(`UPDATE points.lot SET available_at = now() - interval '1 second' WHERE released_at IS NULL AND account_id = (SELECT id FROM points.account WHERE member_id = $1)`, [member]);
    const spent = await redeem(as.platform, member, 50);
    expect(spent.userErrors).toEqual([]);
    expect(spent.account).toMatchObject({ balance: 0, pending: 0 });
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('lets the member, the brand admin and the home store staff redeem; not a franchisee, a guide or another member', async () => {
    // mem-lng-0007's home store is store-lng-03 (fr-lng-a); demo balance: see src/demo/data.ts.
    const m7 = 'mem-lng-0007';
    expect((await redeem(as.lngMember7, m7, 1)).userErrors).toEqual([]);
    expect((await redeem(as.lngStaff03, m7, 1)).userErrors).toEqual([]);
    expect((await redeem(as.lngAdmin, m7, 1)).userErrors).toEqual([]);
    expect((await redeem(as.lngStaff01, m7, 1)).userErrors[0]!.code).toBe('NOT_FOUND');
    expect((await redeem(as.lngFranchiseeA, m7, 1)).userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await redeem(as.lngGuide031, m7, 1)).userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await redeem(as.lngMember1, m7, 1)).userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await redeem(as.csmAdmin, m7, 1)).userErrors[0]!.code).toBe('NOT_FOUND');
    const anon = await h.gql(as.anonymous, REDEEM, { input: { idempotencyKey: key(), memberId: m7, points: 1, reason: 'x' } });
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('reports every bad field at once', async () => {
    const r = await redeem(as.platform, ' ', 0, { reason: '' });
    expect(r.userErrors.map((e) => e.field)).toEqual([
      ['input', 'memberId'],
      ['input', 'points'],
      ['input', 'reason'],
    ]);
  });
});

describe('the velocity limit', () => {
  let limited: SubgraphHarness;
  beforeAll(async () => {
    process.env.POINTS_REDEEM_LIMIT_PER_MINUTE = '3';
    limited = await startSubgraphForTest(pointsSubgraph);
  }, 60_000);
  afterAll(async () => {
    await limited?.close();
  });

  it('refuses the redemptions past the limit per minute, also in parallel', async () => {
    // mem-lng-0002 has demo points and no demo redemption (which would count in this minute).
    const member = { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0002' } as const;
    const input = (n: number) => ({ idempotencyKey: `v-${n}`, memberId: 'mem-lng-0002', points: 1, reason: 'coupon' });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => limited.data<{ redeemPoints: Written }>(member, REDEEM, { input: input(n) })));
    const codes = results.map((r) => r.redeemPoints.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', 'OK', 'OK', 'VELOCITY_LIMIT_EXCEEDED', 'VELOCITY_LIMIT_EXCEEDED']);
    // A minute later the member may redeem again.
    await limited.db.query(`UPDATE points.entry SET created_at = created_at - interval '61 seconds' WHERE kind = 'REDEEM' AND idempotency_key LIKE 'v-%'`);
    expect((await limited.data<{ redeemPoints: Written }>(member, REDEEM, { input: input(6) })).redeemPoints.userErrors).toEqual([]);
    expect(await ledgerFaults(limited.db)).toEqual(BOOKS_ADD_UP);
  });
});

describe('adjustPoints', () => {
  it('credits and debits with an audit record; a debit follows the lot rules and never goes below zero', async () => {
    const member = 'mem-lng-0002';
    const before = (await h.data<{ pointsAccount: { balance: number } }>(as.lngAdmin, `{ pointsAccount(memberId: "${member}") { balance } }`)).pointsAccount.balance;
    const credit = (await h.data<{ adjustPoints: Written }>(as.lngAdmin, ADJUST, { input: { idempotencyKey: key(), memberId: member, points: 25, reason: 'goodwill', expiresAt: inDays(3) } })).adjustPoints;
    expect(credit.userErrors).toEqual([]);
    expect(credit.transaction).toMatchObject({ kind: 'ADJUST', points: 25 });
    expect(credit.account!.balance).toBe(before + 25);
    const tooMuch = (await h.data<{ adjustPoints: Written }>(as.lngAdmin, ADJUST, { input: { idempotencyKey: key(), memberId: member, points: -(before + 26), reason: 'typo' } })).adjustPoints;
    expect(tooMuch.userErrors).toEqual([{ code: 'INSUFFICIENT_POINTS', field: ['input', 'points'] }]);
    const debit = (await h.data<{ adjustPoints: Written }>(as.lngAdmin, ADJUST, { input: { idempotencyKey: key(), memberId: member, points: -30, reason: 'fraud' } })).adjustPoints;
    expect(debit.account!.balance).toBe(before - 5);
    // FIFO by expiry: the debit emptied the 3-day credit first.
    const consumed = await h.db.query<{ points: number }>(
      `SELECT m.points FROM points.lot_movement m JOIN points.lot l ON l.id = m.lot_id WHERE m.entry_id = $1 ORDER BY l.expires_at`,
      [debit.transaction!.id],
    );
    expect(consumed[0]!.points).toBe(-25);
    const audit = await h.db.query(`SELECT actor, role, scope, reason, points FROM points.adjustment ORDER BY created_at`);
    expect(audit).toEqual([
      { actor: 'admin-lng-zhang', role: 'BRAND_ADMIN', scope: 'brand:brand-lng', reason: 'goodwill', points: 25 },
      { actor: 'admin-lng-zhang', role: 'BRAND_ADMIN', scope: 'brand:brand-lng', reason: 'fraud', points: -30 },
    ]);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
  });

  it('is refused to a franchisee (FORBIDDEN userError), to an admin without points:adjust and to another brand', async () => {
    const input = { idempotencyKey: key(), memberId: 'mem-lng-0007', points: 10, reason: 'please' };
    expect((await h.data<{ adjustPoints: Written }>(as.lngFranchiseeA, ADJUST, { input })).adjustPoints.userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await h.gql(as.lngAdminNoScope, ADJUST, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.data<{ adjustPoints: Written }>(as.csmAdmin, ADJUST, { input })).adjustPoints.userErrors[0]!.code).toBe('NOT_FOUND');
    expect(await h.db.query(`SELECT 1 FROM points.adjustment a JOIN points.entry e ON e.id = a.entry_id JOIN points.account c ON c.id = e.account_id WHERE c.member_id = 'mem-lng-0007'`)).toEqual([]);
  });
});

describe('earnPoints', () => {
  it('is for SERVICE callers only, once per key and once per order', async () => {
    const input = { idempotencyKey: key(), memberId: 'mem-test-earn', brandId: 'brand-lng', points: 10, reason: 'campaign', orderId: 'ord-earn-1' };
    const denied = await h.gql(as.lngAdmin, EARN, { input });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const first = (await h.data<{ earnPoints: Written }>(as.service, EARN, { input })).earnPoints;
    const again = (await h.data<{ earnPoints: Written }>(as.service, EARN, { input: { ...input, idempotencyKey: key() } })).earnPoints;
    expect(again.transaction!.id).toBe(first.transaction!.id);
    expect(again.account!.balance).toBe(10);
    expect(first.transaction!.expiresAt).not.toBeNull();
    const outbox = await h.db.query<{ payload: { points: number; memberId: string } }>(`SELECT payload FROM points.outbox WHERE topic = 'points.earn.booked' AND payload->>'memberId' = 'mem-test-earn'`);
    expect(outbox.map((o) => o.payload.points)).toEqual([10]);
  });
});
