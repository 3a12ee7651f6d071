// The points exchange (积分异业兑换) through the gateway, end to end, as a member and the brands' admins do it:
// a quote locks the demo agreement's rate, a commit moves the points exactly once, an admin reverses it, and the
// settlement price stays between the brands (docs/architecture.md §7, idempotency and money).
import { DEMO_EXCHANGERS, DEMO_PEOPLE_IN_BOTH } from '@retail/points/demo';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';

let graph: TestGraph;
const tokens: Record<string, string> = {};
const person = DEMO_EXCHANGERS[0]!; // 朗蜜 points of its own, and a 澄妆 membership
const other = DEMO_PEOPLE_IN_BOTH.find((p) => p.person !== person.person)!;
const AGREEMENT = 'agr-lng-csm'; // 10 朗蜜 points → 8 澄妆 points, at least 100, 0.02 CNY a point

beforeAll(async () => {
  graph = await startTestGraph();
  tokens.lng = await tokenFor({ role: 'MEMBER', brandId: 'brand-lng', memberId: person.lngMemberId });
  tokens.csm = await tokenFor({ role: 'MEMBER', brandId: 'brand-csm', memberId: person.csmMemberId });
  tokens.otherLng = await tokenFor({ role: 'MEMBER', brandId: 'brand-lng', memberId: other.lngMemberId });
  tokens.lngAdjuster = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['points:adjust'] });
});
afterAll(async () => {
  await graph.close();
});

interface UserErr {
  code: string;
}
interface Exchange {
  id: string;
  status: string;
  fromTransaction: { points: number };
  toTransaction: { points: number };
}

async function ok<D>(query: string, variables: Record<string, unknown>, token: string): Promise<D> {
  const res = await graph.query<D>(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

const BALANCE = `query($id: ID!) { pointsAccount(memberId: $id) { balance } }`;
const balance = async (memberId: string, token: string) => (await ok<{ pointsAccount: { balance: number } }>(BALANCE, { id: memberId }, token)).pointsAccount.balance;

const QUOTE = `mutation($input: QuotePointsExchangeInput!) {
  quotePointsExchange(input: $input) { quote { id fromPoints toPoints rate { fromPoints toPoints } agreement { id pricePerPoint { amount } } } userErrors { code } }
}`;
type Quoted = { quotePointsExchange: { quote: { id: string; fromPoints: number; toPoints: number; rate: { fromPoints: number; toPoints: number }; agreement: { id: string; pricePerPoint: { amount: string } | null } } | null; userErrors: UserErr[] } };
const quote = (token: string, fromPoints: number, from = person) =>
  ok<Quoted>(QUOTE, { input: { agreementId: AGREEMENT, fromMemberId: from.lngMemberId, toMemberId: from.csmMemberId, fromPoints } }, token).then((d) => d.quotePointsExchange);

const COMMIT = `mutation($input: CommitPointsExchangeInput!) {
  commitPointsExchange(input: $input) { exchange { id status fromTransaction { points } toTransaction { points } } userErrors { code } }
}`;
const commit = (token: string, idempotencyKey: string, quoteId: string) =>
  ok<{ commitPointsExchange: { exchange: Exchange | null; userErrors: UserErr[] } }>(COMMIT, { input: { idempotencyKey, quoteId } }, token).then((d) => d.commitPointsExchange);

test('a member moves 朗蜜 points to its 澄妆 membership: the rate is locked, the points move once, a replayed key answers the same exchange', async () => {
  const lngBefore = await balance(person.lngMemberId, tokens.lng!);
  const csmBefore = await balance(person.csmMemberId, tokens.csm!);
  expect(lngBefore).toBeGreaterThanOrEqual(300);

  const q = await quote(tokens.lng!, 250);
  expect(q.userErrors).toEqual([]);
  // 250 at 10 → 8, rounded down; the member sees the rate, not what the brands settle at.
  expect(q.quote).toMatchObject({ fromPoints: 250, toPoints: 200, rate: { fromPoints: 10, toPoints: 8 }, agreement: { id: AGREEMENT, pricePerPoint: null } });

  const first = await commit(tokens.lng!, 'e2e-exchange-1', q.quote!.id);
  expect(first.userErrors).toEqual([]);
  expect(first.exchange).toMatchObject({ status: 'COMMITTED', fromTransaction: { points: -250 }, toTransaction: { points: 200 } });
  expect(await balance(person.lngMemberId, tokens.lng!)).toBe(lngBefore - 250);
  expect(await balance(person.csmMemberId, tokens.csm!)).toBe(csmBefore + 200);

  // The client did not hear the answer and sends the same request again, twice at once: the same exchange, nothing moves.
  const again = await Promise.all([commit(tokens.lng!, 'e2e-exchange-1', q.quote!.id), commit(tokens.lng!, 'e2e-exchange-1', q.quote!.id)]);
  expect(again.map((a) => a.exchange?.id)).toEqual([first.exchange!.id, first.exchange!.id]);
  expect(await balance(person.lngMemberId, tokens.lng!)).toBe(lngBefore - 250);
  expect(await balance(person.csmMemberId, tokens.csm!)).toBe(csmBefore + 200);

  // The quote is spent under another key; the key is spent for another quote.
  expect((await commit(tokens.lng!, 'e2e-exchange-2', q.quote!.id)).userErrors.map((e) => e.code)).toEqual(['QUOTE_ALREADY_USED']);
  const q2 = await quote(tokens.lng!, 100);
  expect((await commit(tokens.lng!, 'e2e-exchange-1', q2.quote!.id)).userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  expect(await balance(person.lngMemberId, tokens.lng!)).toBe(lngBefore - 250);
});

test("nobody spends another member's points: quoting them is FORBIDDEN, committing their quote NOT_FOUND", async () => {
  expect((await quote(tokens.otherLng!, 100)).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
  const q = await quote(tokens.lng!, 100);
  expect(q.userErrors).toEqual([]);
  const before = await balance(person.lngMemberId, tokens.lng!);
  expect((await commit(tokens.otherLng!, 'e2e-exchange-stolen', q.quote!.id)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  expect(await balance(person.lngMemberId, tokens.lng!)).toBe(before);
});

test('an admin of the sending brand reverses an exchange: both balances come back, once; the admin sees the settlement price', async () => {
  const q = await quote(tokens.lng!, 120);
  const lngBefore = await balance(person.lngMemberId, tokens.lng!);
  const csmBefore = await balance(person.csmMemberId, tokens.csm!);
  const done = await commit(tokens.lng!, 'e2e-exchange-to-reverse', q.quote!.id);
  expect(done.exchange).toMatchObject({ fromTransaction: { points: -120 }, toTransaction: { points: 96 } });

  const REVERSE = `mutation($input: ReversePointsExchangeInput!) {
    reversePointsExchange(input: $input) { exchange { id status reversedAt quote { agreement { pricePerPoint { amount currency } } } } userErrors { code } }
  }`;
  type Reversed = { reversePointsExchange: { exchange: { id: string; status: string; reversedAt: string | null; quote: { agreement: { pricePerPoint: { amount: string; currency: string } | null } } } | null; userErrors: UserErr[] } };
  const input = { idempotencyKey: 'e2e-reverse-1', exchangeId: done.exchange!.id, reason: 'member asked at the counter' };
  // A member may not reverse its own exchange (the scope is the admins').
  expect((await graph.query(REVERSE, { input }, tokens.lng!)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const reversed = (await ok<Reversed>(REVERSE, { input }, tokens.lngAdjuster!)).reversePointsExchange;
  expect(reversed.userErrors).toEqual([]);
  expect(reversed.exchange).toMatchObject({ id: done.exchange!.id, status: 'REVERSED', reversedAt: expect.any(String), quote: { agreement: { pricePerPoint: { amount: '0.02', currency: 'CNY' } } } });
  expect(await balance(person.lngMemberId, tokens.lng!)).toBe(lngBefore);
  expect(await balance(person.csmMemberId, tokens.csm!)).toBe(csmBefore);
  // The same reversal again changes nothing.
  const replay = (await ok<Reversed>(REVERSE, { input }, tokens.lngAdjuster!)).reversePointsExchange;
  expect(replay.exchange?.status).toBe('REVERSED');
  expect(await balance(person.lngMemberId, tokens.lng!)).toBe(lngBefore);
});
