import type { SubgraphHarness, TestViewer } from '@retail/platform/testing';
import { pointsSubgraph, reconcile } from '../src';
import { DEMO_EXCHANGERS, DEMO_PEOPLE_IN_BOTH } from '../src/demo/data';
import { as } from './callers';
import { BOOKS_ADD_UP, ledgerFaults } from './ledger-check';
import { startPointsWithMembers } from './members-peer';

// Partner agreements, quotes, exactly-once commits, reversals and the settlement statement (积分异业兑换).

let h: SubgraphHarness;
let members: Awaited<ReturnType<typeof startPointsWithMembers>>['members'];
let close: () => Promise<void>;
beforeAll(async () => {
  ({ h, members, close } = await startPointsWithMembers(1000));
}, 60_000);
afterAll(async () => {
  await close?.();
});

interface UserErr {
  code: string;
  field: string[] | null;
}
interface Agreement {
  id: string;
  active: boolean;
  acceptedAt: string | null;
  proposedBy: { id: string };
  pricePerPoint: { amount: string; currency: string };
}
interface Quote {
  id: string;
  fromPoints: number;
  toPoints: number;
  expiresAt: string;
  rate: { fromPoints: number; toPoints: number };
}
interface Exchange {
  id: string;
  status: string;
  fromTransaction: { kind: string; points: number; exchange: { id: string } | null };
  toTransaction: { kind: string; points: number; expiresAt: string | null };
}

const AGREEMENT_FIELDS = `id active acceptedAt proposedBy { id } pricePerPoint { amount currency }`;
const CREATE = `mutation($input: CreatePartnerAgreementInput!) { createPartnerAgreement(input: $input) { agreement { ${AGREEMENT_FIELDS} } userErrors { code field } } }`;
const ACCEPT = `mutation($input: AcceptPartnerAgreementInput!) { acceptPartnerAgreement(input: $input) { agreement { ${AGREEMENT_FIELDS} } userErrors { code field } } }`;
const ACTIVATE = `mutation($input: SetPartnerAgreementActiveInput!) { setPartnerAgreementActive(input: $input) { agreement { ${AGREEMENT_FIELDS} } userErrors { code field } } }`;
const QUOTE = `mutation($input: QuotePointsExchangeInput!) { quotePointsExchange(input: $input) { quote { id fromPoints toPoints expiresAt rate { fromPoints toPoints } } userErrors { code field } } }`;
const EXCHANGE_FIELDS = `id status fromTransaction { kind points exchange { id } } toTransaction { kind points expiresAt }`;
const COMMIT = `mutation($input: CommitPointsExchangeInput!) { commitPointsExchange(input: $input) { exchange { ${EXCHANGE_FIELDS} } userErrors { code field } } }`;
const REVERSE = `mutation($input: ReversePointsExchangeInput!) { reversePointsExchange(input: $input) { exchange { ${EXCHANGE_FIELDS} } userErrors { code field } } }`;
const EARN = `mutation($input: EarnPointsInput!) { earnPoints(input: $input) { userErrors { code } } }`;
const REDEEM = `mutation($input: RedeemPointsInput!) { redeemPoints(input: $input) { transaction { balanceAfter } userErrors { code field } } }`;
const SETTLEMENT = `query($a: ID!, $p: PeriodInput!) { partnerSettlement(agreementId: $a, period: $p) { exchangeCount pointsOut pointsIn amountOwed { amount currency }
  exchanges(first: 100) { totalCount edges { node { id status } } } } }`;

let seq = 0;
const key = (p = 'k') => `${p}-${++seq}-${Math.random().toString(36).slice(2)}`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const memberViewer = (memberId: string, brandId = 'brand-lng'): TestViewer => ({ role: 'MEMBER', brandId, memberId });

/** A fresh person with memberships at both brands (one OneID) and, optionally, 朗蜜 points in lots lapsing at the given dates. */
async function person(name: string, lots: { points: number; expiresAt: string }[] = []): Promise<{ lng: string; csm: string }> {
  const p = { lng: `mem-lng-${name}`, csm: `mem-csm-${name}` };
  members.facts.set(p.lng, { memberId: p.lng, brandId: 'brand-lng', oneId: `oid-${name}`, erased: false });
  members.facts.set(p.csm, { memberId: p.csm, brandId: 'brand-csm', oneId: `oid-${name}`, erased: false });
  for (const lot of lots) {
    const r = await h.data<{ earnPoints: { userErrors: unknown[] } }>(as.service, EARN, {
      input: { idempotencyKey: key('earn'), memberId: p.lng, brandId: 'brand-lng', points: lot.points, reason: 'test credit', expiresAt: lot.expiresAt },
    });
    expect(r.earnPoints.userErrors).toEqual([]);
  }
  return p;
}

async function agreement(terms: Partial<{ minPoints: number; dailyLimitPerMember: number; rate: { fromPoints: number; toPoints: number } }> = {}): Promise<string> {
  const input = {
    fromBrandId: 'brand-lng',
    toBrandId: 'brand-csm',
    rate: { fromPoints: 10, toPoints: 8 },
    minPoints: 10,
    dailyLimitPerMember: 1_000_000,
    pricePerPoint: { amount: '0.02', currency: 'CNY' },
    validFrom: '2024-01-01T00:00:00+08:00',
    ...terms,
  };
  const made = (await h.data<{ createPartnerAgreement: { agreement: Agreement } }>(as.lngPartnerAdmin, CREATE, { input })).createPartnerAgreement.agreement;
  await h.data(as.csmPartnerAdmin, ACCEPT, { input: { agreementId: made.id } });
  await h.data(as.csmPartnerAdmin, ACTIVATE, { input: { agreementId: made.id, active: true } });
  return made.id;
}

async function quote(viewer: TestViewer, agreementId: string, from: string, to: string, fromPoints: number) {
  return (await h.data<{ quotePointsExchange: { quote: Quote | null; userErrors: UserErr[] } }>(viewer, QUOTE, { input: { agreementId, fromMemberId: from, toMemberId: to, fromPoints } }))
    .quotePointsExchange;
}
/** A commit as a client makes it: a retryable refusal (the request's budget ran out in the queue) is sent again with the same key. */
async function commit(viewer: TestViewer, quoteId: string, idempotencyKey = key('commit')) {
  for (let attempt = 1; ; attempt++) {
    const res = await h.gql<{ commitPointsExchange: { exchange: Exchange | null; userErrors: UserErr[] } }>(viewer, COMMIT, { input: { idempotencyKey, quoteId } });
    if (res.data?.commitPointsExchange) return res.data.commitPointsExchange;
    if (!res.errors?.every((e) => e.extensions?.retryable === true) || attempt === 5) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  }
}
/** A redemption, retried with its key like commit. */
async function redeem(viewer: TestViewer, memberId: string, points: number, idempotencyKey = key('redeem')) {
  for (let attempt = 1; ; attempt++) {
    const res = await h.gql<{ redeemPoints: { userErrors: UserErr[] } }>(viewer, REDEEM, { input: { idempotencyKey, memberId, points, reason: 'coupon' } });
    if (res.data?.redeemPoints) return res.data.redeemPoints;
    if (!res.errors?.every((e) => e.extensions?.retryable === true) || attempt === 5) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  }
}
const balance = async (memberId: string) => (await h.db.query<{ b: number }>(`SELECT COALESCE(sum(balance + pending), 0)::int AS b FROM points.account WHERE member_id = $1`, [memberId]))[0]!.b;
const NO_FAULTS = { accountsOff: 0, lotsOff: 0, exchangesOff: 0, strayEntries: 0, duplicateQuotes: 0, settlementOff: 0, unbalanced: 0 };

describe('partner agreements', () => {
  it('are proposed by one brand and accepted by the other before they can be switched on', async () => {
    const input = {
      fromBrandId: 'brand-lng',
      toBrandId: 'brand-csm',
      rate: { fromPoints: 5, toPoints: 3 },
      minPoints: 50,
      dailyLimitPerMember: 2_000,
      pricePerPoint: { amount: '0.05', currency: 'CNY' },
      validFrom: '2026-01-01T00:00:00+08:00',
      validTo: '2027-01-01T00:00:00+08:00',
    };
    const created = (await h.data<{ createPartnerAgreement: { agreement: Agreement } }>(as.lngPartnerAdmin, CREATE, { input })).createPartnerAgreement;
    expect(created.agreement).toMatchObject({ active: false, acceptedAt: null, proposedBy: { id: 'brand-lng' }, pricePerPoint: { amount: '0.05', currency: 'CNY' } });
    const id = created.agreement.id;
    // The proposer cannot accept its own proposal, nor switch it on before the other brand agreed.
    expect((await h.data<{ acceptPartnerAgreement: { userErrors: UserErr[] } }>(as.lngPartnerAdmin, ACCEPT, { input: { agreementId: id } })).acceptPartnerAgreement.userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await h.data<{ setPartnerAgreementActive: { userErrors: UserErr[] } }>(as.lngPartnerAdmin, ACTIVATE, { input: { agreementId: id, active: true } })).setPartnerAgreementActive.userErrors).toEqual([
      { code: 'INVALID_TRANSITION', field: ['input', 'active'] },
    ]);
    const accepted = (await h.data<{ acceptPartnerAgreement: { agreement: Agreement } }>(as.csmPartnerAdmin, ACCEPT, { input: { agreementId: id } })).acceptPartnerAgreement.agreement;
    expect(accepted.acceptedAt).not.toBeNull();
    const on = (await h.data<{ setPartnerAgreementActive: { agreement: Agreement } }>(as.lngPartnerAdmin, ACTIVATE, { input: { agreementId: id, active: true } })).setPartnerAgreementActive.agreement;
    expect(on.active).toBe(true);
    // Either brand may withdraw.
    const off = (await h.data<{ setPartnerAgreementActive: { agreement: Agreement } }>(as.csmPartnerAdmin, ACTIVATE, { input: { agreementId: id, active: false } })).setPartnerAgreementActive.agreement;
    expect(off.active).toBe(false);

    const bad = await h.data<{ createPartnerAgreement: { userErrors: UserErr[] } }>(as.lngPartnerAdmin, CREATE, {
      input: { ...input, toBrandId: 'brand-lng', rate: { fromPoints: 0, toPoints: 1 }, minPoints: 100, dailyLimitPerMember: 50, pricePerPoint: { amount: '-1', currency: 'CNY' } },
    });
    expect(bad.createPartnerAgreement.userErrors.map((e) => e.field)).toEqual([
      ['input', 'toBrandId'],
      ['input', 'rate', 'fromPoints'],
      ['input', 'dailyLimitPerMember'],
      ['input', 'pricePerPoint', 'amount'],
    ]);
    // Another brand's admin may not propose for these two; a franchisee never has points:agreements' reach.
    const elsewhere: TestViewer = { role: 'BRAND_ADMIN', brandId: 'brand-other', scopes: ['points:agreements'] };
    expect((await h.data<{ createPartnerAgreement: { userErrors: UserErr[] } }>(elsewhere, CREATE, { input })).createPartnerAgreement.userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await h.data<{ createPartnerAgreement: { userErrors: UserErr[] } }>(as.lngFranchiseeAllScopes, CREATE, { input })).createPartnerAgreement.userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await h.gql(as.lngAdmin, CREATE, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const list = async (viewer: TestViewer, brandId: string) =>
      (await h.data<{ partnerAgreements: { totalCount: number; edges: { node: { id: string } }[] } }>(viewer, `query($b: ID!) { partnerAgreements(brandId: $b, first: 50) { totalCount edges { node { id } } } }`, { b: brandId }))
        .partnerAgreements;
    const lngList = await list(as.lngAdmin, 'brand-lng');
    expect(lngList.edges[0]!.node.id).toBe(id); // newest first
    expect(lngList.edges.map((e) => e.node.id)).toEqual(expect.arrayContaining(['agr-lng-csm', 'agr-csm-lng', id]));
    expect((await list(as.csmSettlement, 'brand-lng')).totalCount).toBe(lngList.totalCount);
    expect((await list(as.otherSettlement, 'brand-lng')).totalCount).toBe(0);

    // The settlement price is between the brands: their admins and partner callers see it, a member sees the rate only.
    const PRICES = `{ partnerAgreements(brandId: "brand-lng", first: 50) { edges { node { id rate { toPoints } pricePerPoint { amount } } } } }`;
    type Prices = { partnerAgreements: { edges: { node: { id: string; rate: { toPoints: number }; pricePerPoint: { amount: string } | null } }[] } };
    const demoPrice = async (viewer: TestViewer) => (await h.data<Prices>(viewer, PRICES)).partnerAgreements.edges.find((e) => e.node.id === 'agr-lng-csm')?.node;
    expect((await demoPrice(as.lngAdmin))?.pricePerPoint).not.toBeNull();
    expect((await demoPrice(as.csmSettlement))?.pricePerPoint).not.toBeNull();
    const seenByMember = await demoPrice(as.lngMember7);
    expect(seenByMember).toMatchObject({ id: 'agr-lng-csm', pricePerPoint: null });
    expect(seenByMember!.rate.toPoints).toBeGreaterThan(0);
  });
});

describe('quotePointsExchange', () => {
  it('checks the person (one OneID), the agreement, the minimum, the daily limit and the balance', async () => {
    const agr = await agreement({ minPoints: 100, dailyLimitPerMember: 1_000 });
    const p = await person('q1', [{ points: 5_000, expiresAt: inDays(100) }]);
    const other = await person('q2');
    const me = memberViewer(p.lng);
    const codes = async (...args: [string, string, string, number]) => (await quote(me, ...args)).userErrors.map((e) => e.code);

    const ok = await quote(me, agr, p.lng, p.csm, 255);
    expect(ok.userErrors).toEqual([]);
    expect(ok.quote).toMatchObject({ fromPoints: 255, toPoints: 204, rate: { fromPoints: 10, toPoints: 8 } }); // floor(255 × 8 / 10)
    const lifetime = new Date(ok.quote!.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(55_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);

    expect(await codes(agr, p.lng, other.csm, 100)).toEqual(['ONE_ID_MISMATCH']);
    expect(await codes(agr, p.lng, 'mem-csm-nobody', 100)).toEqual(['NOT_FOUND']);
    expect(await codes(agr, p.lng, p.lng, 100)).toEqual(['INVALID_INPUT']);
    expect(await codes('agr-csm-lng', p.lng, p.csm, 300)).toEqual(['BRAND_MISMATCH']);
    expect(await codes(agr, p.lng, p.csm, 99)).toEqual(['BELOW_MINIMUM']);
    expect(await codes(agr, p.lng, p.csm, 1_001)).toEqual(['DAILY_LIMIT_EXCEEDED']);
    expect(await codes('agr-unknown', p.lng, p.csm, 100)).toEqual(['NOT_FOUND']);
    // Quoting another member's points, or as an admin, is refused; the quote asks nobody then.
    const before = members.state.calls;
    expect((await quote(memberViewer(other.lng), agr, p.lng, p.csm, 100)).userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await quote(as.lngAdmin, agr, p.lng, p.csm, 100)).userErrors[0]!.code).toBe('FORBIDDEN');
    expect(members.state.calls).toBe(before);

    const poor = await person('q3', [{ points: 150, expiresAt: inDays(100) }]);
    expect((await quote(memberViewer(poor.lng), agr, poor.lng, poor.csm, 151)).userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_POINTS']);

    // Switched off: AGREEMENT_INACTIVE; members unreachable: a retryable SERVICE_UNAVAILABLE, nothing written.
    await h.data(as.csmPartnerAdmin, ACTIVATE, { input: { agreementId: agr, active: false } });
    expect(await codes(agr, p.lng, p.csm, 100)).toEqual(['AGREEMENT_INACTIVE']);
    members.state.down = true;
    try {
      const res = await h.gql(me, QUOTE, { input: { agreementId: agr, fromMemberId: p.lng, toMemberId: p.csm, fromPoints: 100 } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    } finally {
      members.state.down = false;
    }
  });
});

describe('commitPointsExchange', () => {
  it('50 parallel commits of one quote with one key make one exchange, and the replays answer the same', async () => {
    const agr = await agreement();
    const p = await person('c1', [{ points: 1_000, expiresAt: inDays(100) }]);
    const me = memberViewer(p.lng);
    const q = (await quote(me, agr, p.lng, p.csm, 400)).quote!;
    const k = key('same');
    const results = await Promise.all(Array.from({ length: 50 }, () => commit(me, q.id, k)));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(new Set(results.map((r) => r.exchange!.id)).size).toBe(1);
    expect(results[0]!.exchange).toMatchObject({ status: 'COMMITTED', fromTransaction: { kind: 'EXCHANGE_OUT', points: -400 }, toTransaction: { kind: 'EXCHANGE_IN', points: 320 } });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM points.exchange WHERE quote_id = $1`, [q.id])).toEqual([{ n: 1 }]);
    expect([await balance(p.lng), await balance(p.csm)]).toEqual([600, 320]);
    expect(await reconcile(h.db)).toMatchObject(NO_FAULTS);
  }, 60_000);

  it('50 parallel commits of one quote with 50 keys: one succeeds, the others are QUOTE_ALREADY_USED', async () => {
    const agr = await agreement();
    const p = await person('c2', [{ points: 1_000, expiresAt: inDays(100) }]);
    const me = memberViewer(p.lng);
    const q = (await quote(me, agr, p.lng, p.csm, 500)).quote!;
    const results = await Promise.all(Array.from({ length: 50 }, () => commit(me, q.id)));
    const ok = results.filter((r) => r.userErrors.length === 0);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.userErrors.length > 0).map((r) => r.userErrors[0])).toEqual(Array(49).fill({ code: 'QUOTE_ALREADY_USED', field: ['input', 'quoteId'] }));
    expect([await balance(p.lng), await balance(p.csm)]).toEqual([500, 400]);
    // Another member cannot commit it (not theirs: NOT_FOUND); the key of the success replays it.
    expect((await commit(memberViewer('mem-lng-0002'), q.id)).userErrors[0]!.code).toBe('NOT_FOUND');
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
    expect(await reconcile(h.db)).toMatchObject(NO_FAULTS);
  }, 60_000);

  it('refuses an expired quote (QUOTE_EXPIRED), and an account spent meanwhile (INSUFFICIENT_POINTS)', async () => {
    const agr = await agreement();
    const p = await person('c3', [{ points: 300, expiresAt: inDays(100) }]);
    const me = memberViewer(p.lng);
    const q1 = (await quote(me, agr, p.lng, p.csm, 200)).quote!;
    await h.db.query(`UPDATE points.exchange_quote SET created_at = created_at - interval '61 seconds', expires_at = expires_at - interval '61 seconds' WHERE id = $1`, [q1.id]);
    expect((await commit(me, q1.id)).userErrors).toEqual([{ code: 'QUOTE_EXPIRED', field: ['input', 'quoteId'] }]);
    const q2 = (await quote(me, agr, p.lng, p.csm, 200)).quote!;
    expect((await h.data<{ redeemPoints: { userErrors: UserErr[] } }>(me, REDEEM, { input: { idempotencyKey: key(), memberId: p.lng, points: 150, reason: 'coupon' } })).redeemPoints.userErrors).toEqual([]);
    expect((await commit(me, q2.id)).userErrors).toEqual([{ code: 'INSUFFICIENT_POINTS', field: ['input', 'quoteId'] }]);
    expect(await balance(p.lng)).toBe(150);
  });

  it('keeps the daily limit per person under parallel commits', async () => {
    const agr = await agreement({ dailyLimitPerMember: 1_000 });
    const p = await person('c4', [{ points: 5_000, expiresAt: inDays(100) }]);
    const me = memberViewer(p.lng);
    const quotes = [];
    for (let i = 0; i < 8; i++) quotes.push((await quote(me, agr, p.lng, p.csm, 300)).quote!);
    const results = await Promise.all(quotes.map((q) => commit(me, q.id)));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(3);
    expect(new Set(results.flatMap((r) => r.userErrors.map((e) => e.code)))).toEqual(new Set(['DAILY_LIMIT_EXCEEDED']));
    expect(await balance(p.lng)).toBe(5_000 - 900);
  }, 60_000);

  it('200 parallel redemptions and exchanges of one account never take it below zero; the books add up', async () => {
    const agr = await agreement();
    const p = await person('c5', [
      { points: 1_000, expiresAt: inDays(30) },
      { points: 1_000, expiresAt: inDays(60) },
      { points: 1_000, expiresAt: inDays(90) },
    ]);
    const me = memberViewer(p.lng);
    const quotes = [];
    for (let i = 0; i < 100; i++) quotes.push((await quote(me, agr, p.lng, p.csm, 20)).quote!);
    const work = [
      ...quotes.map((q) => commit(me, q.id).then((r) => ({ kind: 'exchange', ok: r.userErrors.length === 0, codes: r.userErrors.map((e) => e.code) }))),
      ...Array.from({ length: 100 }, () =>
        redeem(me, p.lng, 17).then((r) => ({ kind: 'redeem', ok: r.userErrors.length === 0, codes: r.userErrors.map((e) => e.code) })),
      ),
    ];
    const results = await Promise.all(work);
    const exchanged = results.filter((r) => r.kind === 'exchange' && r.ok).length;
    const redeemed = results.filter((r) => r.kind === 'redeem' && r.ok).length;
    // 100 × 20 + 100 × 17 > 3 000: some are refused, each for want of points only.
    expect(new Set(results.flatMap((r) => r.codes))).toEqual(new Set(['INSUFFICIENT_POINTS']));
    const left = await balance(p.lng);
    expect(left).toBe(3_000 - 20 * exchanged - 17 * redeemed);
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBeLessThan(20);
    expect(await balance(p.csm)).toBe(16 * exchanged);
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
    expect(await reconcile(h.db)).toMatchObject(NO_FAULTS);
  }, 120_000);
});

describe('reversePointsExchange', () => {
  it('restores the consumed lots with their original expiry, takes the credit back and books the reversal in settlement (worked example)', async () => {
    const agr = await agreement();
    // Lots lapsing 2027-03-31 (300) and 2027-06-30 (500) at the end of the day, Shanghai.
    const p = await person('r1', [
      { points: 300, expiresAt: '2027-03-31T16:00:00Z' },
      { points: 500, expiresAt: '2027-06-30T16:00:00Z' },
    ]);
    const me = memberViewer(p.lng);
    const q = (await quote(me, agr, p.lng, p.csm, 450)).quote!;
    const x = (await commit(me, q.id)).exchange!;
    const lots = () =>
      h.db.query<{ points: number; remaining: number; expiresAt: string }>(
        `SELECT l.points, l.remaining, to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS "expiresAt"
           FROM points.lot l JOIN points.account a ON a.id = l.account_id WHERE a.member_id = $1 ORDER BY l.expires_at`,
        [p.lng],
      );
    // FIFO: the 300 lapsing first is emptied, 150 come from the next.
    expect(await lots()).toEqual([
      { points: 300, remaining: 0, expiresAt: '2027-03-31T16:00Z' },
      { points: 500, remaining: 350, expiresAt: '2027-06-30T16:00Z' },
    ]);
    expect(x.toTransaction.points).toBe(360);
    expect(x.fromTransaction.exchange).toEqual({ id: x.id });

    const input = { idempotencyKey: key('rev'), exchangeId: x.id, reason: 'member complaint' };
    // A franchisee with every scope, and a member, may not reverse.
    expect((await h.data<{ reversePointsExchange: { userErrors: UserErr[] } }>(as.lngFranchiseeAllScopes, REVERSE, { input })).reversePointsExchange.userErrors[0]!.code).toBe('FORBIDDEN');
    expect((await h.gql(me, REVERSE, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [r1, r2] = await Promise.all([1, 2].map(() => h.data<{ reversePointsExchange: { exchange: Exchange; userErrors: UserErr[] } }>(as.lngPartnerAdmin, REVERSE, { input })));
    expect(r1!.reversePointsExchange.userErrors).toEqual([]);
    expect(r2!.reversePointsExchange.exchange).toEqual(r1!.reversePointsExchange.exchange);
    expect(r1!.reversePointsExchange.exchange.status).toBe('REVERSED');
    // Exactly the consumed lots are back, with their original expiry; 澄妆's credit is taken back.
    expect(await lots()).toEqual([
      { points: 300, remaining: 300, expiresAt: '2027-03-31T16:00Z' },
      { points: 500, remaining: 500, expiresAt: '2027-06-30T16:00Z' },
    ]);
    expect([await balance(p.lng), await balance(p.csm)]).toEqual([800, 0]);
    const again = await h.data<{ reversePointsExchange: { userErrors: UserErr[] } }>(as.csmPartnerAdmin, REVERSE, { input: { ...input, idempotencyKey: key('rev') } });
    expect(again.reversePointsExchange.userErrors[0]!.code).toBe('INVALID_TRANSITION');
    // Audited like manual adjustments: who, in which role, why.
    const audit = await h.db.query<{ actor: string; role: string; reason: string; points: number }>(
      `SELECT d.actor, d.role, d.reason, d.points FROM points.adjustment d JOIN points.entry e ON e.id = d.entry_id WHERE e.exchange_id = $1 ORDER BY d.points`,
      [x.id],
    );
    expect(audit).toEqual([
      { actor: 'admin-lng-li', role: 'BRAND_ADMIN', reason: 'member complaint', points: -360 },
      { actor: 'admin-lng-li', role: 'BRAND_ADMIN', reason: 'member complaint', points: 450 },
    ]);
    const period = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() };
    const st = (await h.data<{ partnerSettlement: { exchangeCount: number; pointsOut: number; pointsIn: number; amountOwed: { amount: string } } }>(as.lngPartnerAdmin, SETTLEMENT, { a: agr, p: period }))
      .partnerSettlement;
    expect(st).toMatchObject({ exchangeCount: 0, pointsOut: 0, pointsIn: 0, amountOwed: { amount: '0.00' } });
    expect(await reconcile(h.db)).toMatchObject(NO_FAULTS);
  });

  it('is refused when the receiver already spent the points (never a negative balance)', async () => {
    const agr = await agreement();
    const p = await person('r2', [{ points: 1_000, expiresAt: inDays(100) }]);
    const x = (await commit(memberViewer(p.lng), (await quote(memberViewer(p.lng), agr, p.lng, p.csm, 500)).quote!.id)).exchange!;
    const csmMe = memberViewer(p.csm, 'brand-csm');
    expect((await h.data<{ redeemPoints: { userErrors: UserErr[] } }>(csmMe, REDEEM, { input: { idempotencyKey: key(), memberId: p.csm, points: 100, reason: 'lipstick' } })).redeemPoints.userErrors).toEqual([]);
    const r = await h.data<{ reversePointsExchange: { userErrors: UserErr[] } }>(as.lngPartnerAdmin, REVERSE, { input: { idempotencyKey: key(), exchangeId: x.id, reason: 'fraud' } });
    expect(r.reversePointsExchange.userErrors).toEqual([{ code: 'INSUFFICIENT_POINTS', field: ['input', 'exchangeId'] }]);
    expect([await balance(p.lng), await balance(p.csm)]).toEqual([500, 300]);
  });
});

describe('partnerSettlement', () => {
  const lastMonth = () => {
    const s = new Date(Date.now() + 8 * 3_600_000);
    const from = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() - 1, 1) - 8 * 3_600_000);
    const to = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1) - 8 * 3_600_000);
    return { from: from.toISOString(), to: to.toISOString() };
  };
  type Statement = { exchangeCount: number; pointsOut: number; pointsIn: number; amountOwed: { amount: string; currency: string }; exchanges: { totalCount: number; edges: { node: { id: string; status: string } }[] } };
  const statement = async (viewer: TestViewer, period = lastMonth()) =>
    (await h.data<{ partnerSettlement: Statement | null }>(viewer, SETTLEMENT, { a: 'agr-lng-csm', p: period })).partnerSettlement;

  it("states the demo's closed month from its settlement entries, the same after a later reversal", async () => {
    const all = DEMO_EXCHANGERS.flatMap((p) => p.exchanges);
    const standing = all.filter((x) => !x.reversedOnDay);
    const pointsOut = standing.reduce((s, x) => s + x.fromPoints, 0);
    const pointsIn = standing.reduce((s, x) => s + Math.floor((x.fromPoints * 8) / 10), 0);
    const expected = { exchangeCount: standing.length, pointsOut, pointsIn, amountOwed: { amount: (pointsIn * 2 / 100).toFixed(2), currency: 'CNY' } };
    const before = (await statement(as.lngPartnerAdmin))!;
    expect(before).toMatchObject(expected);
    expect(before.exchanges.totalCount).toBe(all.length);
    expect(before.exchanges.edges.filter((e) => e.node.status === 'REVERSED')).toHaveLength(all.length - standing.length);

    // A last-month exchange reversed now books in this month; last month's statement stays as it was.
    const [x] = await h.db.query<{ id: string }>(`SELECT x.id FROM points.exchange x WHERE x.agreement_id = 'agr-lng-csm' AND x.reversed_at IS NULL ORDER BY x.committed_at LIMIT 1`);
    const rev = await h.data<{ reversePointsExchange: { userErrors: UserErr[] } }>(as.csmPartnerAdmin, REVERSE, { input: { idempotencyKey: key(), exchangeId: x!.id, reason: 'late dispute' } });
    expect(rev.reversePointsExchange.userErrors).toEqual([]);
    const after = (await statement(as.lngPartnerAdmin))!;
    expect(after).toMatchObject(expected);
    expect(after.exchanges.edges.map((e) => e.node.id)).toEqual(before.exchanges.edges.map((e) => e.node.id));
    const now = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    expect((await statement(as.lngPartnerAdmin, now))!.exchangeCount).toBe(-1);
    expect(await reconcile(h.db)).toMatchObject(NO_FAULTS);
  });

  it("is shown to either brand's settlement staff and partners, to nobody else", async () => {
    expect(await statement(as.csmSettlement)).not.toBeNull();
    expect(await statement(as.csmPartnerAdmin)).not.toBeNull();
    expect(await statement(as.otherSettlement)).toBeNull();
    expect(await statement(as.lngFranchiseeAllScopes)).toBeNull();
    expect(await statement({ ...memberViewer('mem-lng-0001'), scopes: ['points:settlement'] })).toBeNull();
    expect((await h.gql(as.partner, SETTLEMENT, { a: 'agr-lng-csm', p: lastMonth() })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await h.gql(as.csmSettlement, SETTLEMENT, { a: 'agr-lng-csm', p: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lets a member see its own exchanges and nobody else\'s', async () => {
    const [x] = await h.db.query<{ id: string; fromMember: string; toMember: string }>(
      `SELECT x.id, q.from_member_id AS "fromMember", q.to_member_id AS "toMember" FROM points.exchange x JOIN points.exchange_quote q ON q.id = x.quote_id WHERE x.agreement_id = 'agr-lng-csm' LIMIT 1`,
    );
    const seen = async (viewer: TestViewer) => (await h.data<{ pointsExchange: { id: string } | null }>(viewer, `query($id: ID!) { pointsExchange(id: $id) { id quote { agreement { id } } } }`, { id: x!.id })).pointsExchange?.id ?? null;
    expect(await seen(memberViewer(x!.fromMember))).toBe(x!.id);
    expect(await seen(memberViewer(x!.toMember, 'brand-csm'))).toBe(x!.id);
    expect(await seen(memberViewer('mem-lng-0001'))).toBeNull();
    expect(await seen(as.lngFranchiseeA)).toBeNull();
    expect(await seen(as.csmAdmin)).toBe(x!.id);
  });
});

describe('lists', () => {
  it('cost the same number of SQL statements for 5 exchanges and agreements as for 50', async () => {
    const agr = await agreement();
    const p = await person('l1', [{ points: 100_000, expiresAt: inDays(100) }]);
    const me = memberViewer(p.lng);
    const from = new Date(Date.now() - 1_000).toISOString();
    for (let i = 0; i < 50; i++) expect((await commit(me, (await quote(me, agr, p.lng, p.csm, 10 + i)).quote!.id)).userErrors).toEqual([]);
    for (let i = 0; i < 50; i++) await h.data(as.lngPartnerAdmin, CREATE, { input: { fromBrandId: 'brand-lng', toBrandId: 'brand-csm', rate: { fromPoints: 1, toPoints: 1 }, minPoints: 1, dailyLimitPerMember: 10, pricePerPoint: { amount: '0.01', currency: 'CNY' }, validFrom: '2024-01-01T00:00:00Z' } });
    const period = { from, to: new Date(Date.now() + 60_000).toISOString() };
    const STATEMENT = `query($a: ID!, $p: PeriodInput!, $n: Int!) { partnerSettlement(agreementId: $a, period: $p) { exchangeCount agreement { id rate { fromPoints } }
      exchanges(first: $n) { totalCount edges { node { id status committedAt quote { id toPoints fromMember { id } agreement { id minPoints } }
        fromTransaction { points balanceAfter exchange { id } } toTransaction { points expiresAt } } } } } }`;
    const five = await h.countStatements<{ partnerSettlement: { exchanges: { edges: unknown[] } } }>(as.lngPartnerAdmin, STATEMENT, { a: agr, p: period, n: 5 });
    const fifty = await h.countStatements<{ partnerSettlement: { exchanges: { edges: unknown[] } } }>(as.lngPartnerAdmin, STATEMENT, { a: agr, p: period, n: 50 });
    expect(fifty.res.data!.partnerSettlement.exchanges.edges).toHaveLength(50);
    expect(fifty.statements).toBe(five.statements);
    // agreement, figures, the page, quotes, entries (both sides at once), exchanges of the entries
    expect(five.statements).toBe(6);
    const AGREEMENTS = `query($n: Int!) { partnerAgreements(brandId: "brand-lng", first: $n) { totalCount edges { node { id active rate { toPoints } pricePerPoint { amount } fromBrand { id } proposedBy { id } } } } }`;
    const a5 = await h.countStatements<{ partnerAgreements: { edges: unknown[] } }>(as.lngAdmin, AGREEMENTS, { n: 5 });
    const a50 = await h.countStatements<{ partnerAgreements: { edges: unknown[] } }>(as.lngAdmin, AGREEMENTS, { n: 50 });
    expect(a50.res.data!.partnerAgreements.edges).toHaveLength(50);
    expect([a5.statements, a50.statements]).toEqual([1, 1]);
  }, 60_000);
});

describe('the demo data', () => {
  it('has people of both brands with 朗蜜 points who can exchange now', async () => {
    const p = DEMO_PEOPLE_IN_BOTH[0]!;
    const me = memberViewer(p.lngMemberId);
    const q = await quote(me, 'agr-lng-csm', p.lngMemberId, p.csmMemberId, 100);
    expect(q.userErrors).toEqual([]);
    expect((await commit(me, q.quote!.id)).userErrors).toEqual([]);
    const again = await pointsSubgraph.seed(h.db);
    expect(again).toBeUndefined();
    expect(await ledgerFaults(h.db)).toEqual(BOOKS_ADD_UP);
    expect(await reconcile(h.db)).toMatchObject(NO_FAULTS);
  });
});
