import type { Database, Transaction } from '@retail/platform';
import { DEMO_DIRECTORY_AS_OF, DEMO_MEMBER_STORES } from '@retail/members/demo';
import { takeFromLots } from '../domain/lots';
import { pointsAtRate, QUOTE_VALID_SECONDS } from '../domain/exchange';
import { seedAgreements } from '../repo/agreements';
import { seedEarningRules } from '../repo/earning-rules';
import { bookExchange, insertQuote, lockExchange, openQuote, reverseExchange } from '../repo/exchanges';
import { credit, debit, lockAccount, lockAccounts, spendableLots } from '../repo/ledger';
import { STORE_DIRECTORY } from '../repo/store-directory';
import { DEMO_ACCOUNTS, DEMO_AGREEMENTS, DEMO_EARNING_RULES, DEMO_EXCHANGERS } from './data';

export * from './data';

const DAY_MS = 86_400_000;

/**
 * Loads the earning rules, the directory of the demo stores and the demo accounts (./data.ts) in one transaction.
 * The accounts' entries and lots are booked through the ledger's own functions (credit, debit), so balance + pending
 * = the sum of the entries = the sum of the lots. Idempotent: rows that exist are left as they are, and an account
 * that has any entry (seeded before, or used since) gets no demo bookings.
 */
export async function seedPoints(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await STORE_DIRECTORY.seed(tx, DEMO_MEMBER_STORES, DEMO_DIRECTORY_AS_OF);
    await seedEarningRules(tx, DEMO_EARNING_RULES);
    await tx.query(
      `INSERT INTO points.account (id, member_id, brand_id, home_store_id)
       SELECT x.id, x."memberId", x."brandId", x."homeStoreId" FROM jsonb_to_recordset($1::jsonb) AS x(id text, "memberId" text, "brandId" text, "homeStoreId" text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(DEMO_ACCOUNTS)],
    );
    const fresh = await tx.query<{ id: string }>(
      `SELECT a.id FROM points.account a WHERE a.id = ANY($1::text[]) AND a.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM points.entry e WHERE e.account_id = a.id)`,
      [DEMO_ACCOUNTS.map((a) => a.id)],
    );
    const locked = new Map((await lockAccounts(tx, fresh.map((r) => r.id))).map((a) => [a.id, a]));
    const now = Date.now();
    // Through the ledger functions, one booking after another (seeding only: a request never loops over SQL).
    for (const demo of DEMO_ACCOUNTS) {
      const account = locked.get(demo.id);
      if (!account) continue;
      for (const lot of demo.lots) {
        const availableAt = lot.availableInDays > 0 ? new Date(now + lot.availableInDays * DAY_MS) : null;
        await credit(tx, account, lot.points, { earnedAt: null, availableAt, expiresAt: new Date(now + lot.lapsesInDays * DAY_MS), orderId: null }, { kind: 'EARN', reason: lot.reason });
      }
      if (demo.redeemed > 0) {
        const lots = await spendableLots(tx, account.id);
        await debit(tx, account, lots, takeFromLots(lots, demo.redeemed).takes, { kind: 'REDEEM', reason: 'coupon 满200减20' });
      }
    }
    await seedExchanges(tx, now);
  });
}

/** Start of the month before the one `now` is in, Asia/Shanghai (UTC+8, no daylight saving). */
function lastMonthStart(now: number): number {
  const shanghai = new Date(now + 8 * 3_600_000);
  return Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() - 1, 1) - 8 * 3_600_000;
}

/**
 * The partner agreements, and last month's exchanges of DEMO_EXCHANGERS booked at their own time through the same
 * functions commitPointsExchange and reversePointsExchange use (a quote, bookExchange, reverseExchange), so their
 * settlement statement is last month's. A person whose 朗蜜 account exists already (seeded before, or used since) is
 * left as it is.
 */
async function seedExchanges(tx: Transaction, now: number): Promise<void> {
  await seedAgreements(tx, DEMO_AGREEMENTS);
  const agreement = DEMO_AGREEMENTS[0]!;
  const fresh = await tx.query<{ id: string }>(
    `INSERT INTO points.account (id, member_id, brand_id) SELECT 'pa-' || m, m, 'brand-lng' FROM unnest($1::text[]) AS m ON CONFLICT DO NOTHING RETURNING id`,
    [DEMO_EXCHANGERS.map((p) => p.lngMemberId)],
  );
  const month = lastMonthStart(now);
  const at = (day: number, minutes = 0) => new Date(month + (day - 1) * DAY_MS + 3 * 3_600_000 + minutes * 60_000);
  const platform = { kind: 'platform' } as const;
  for (const p of DEMO_EXCHANGERS) {
    const accountId = `pa-${p.lngMemberId}`;
    if (!fresh.some((f) => f.id === accountId)) continue;
    const account = await lockAccount(tx, accountId);
    const earned = new Date(month - 40 * DAY_MS);
    await credit(tx, account, p.credit, { earnedAt: earned, availableAt: earned, expiresAt: new Date(now + 200 * DAY_MS), orderId: null }, { kind: 'EARN', reason: 'points of a purchase', at: earned });
    for (const [n, x] of p.exchanges.entries()) {
      const quoteId = `pq-demo-${p.person}-${n}`;
      const toPoints = pointsAtRate(x.fromPoints, agreement.rateFrom, agreement.rateTo);
      await insertQuote(
        tx,
        {
          agreementId: agreement.id,
          fromBrandId: agreement.fromBrandId,
          toBrandId: agreement.toBrandId,
          fromMemberId: p.lngMemberId,
          toMemberId: p.csmMemberId,
          oneId: `demo-person-${p.person}`,
          fromPoints: x.fromPoints,
          toPoints,
          rateFrom: agreement.rateFrom,
          rateTo: agreement.rateTo,
          pricePerPointFen: agreement.pricePerPointFen,
          currency: agreement.currency,
        },
        QUOTE_VALID_SECONDS,
        at(x.day),
        quoteId,
      );
      const quote = (await openQuote(tx, platform, quoteId, at(x.day, 0.5)))!;
      const exchange = await bookExchange(tx, quote, { perMinute: 100, dailyLimit: agreement.dailyLimitPerMember }, `demo-${quoteId}`, at(x.day, 0.5));
      if (x.reversedOnDay) {
        const locked = (await lockExchange(tx, platform, exchange.id))!;
        await reverseExchange(tx, locked, { reason: 'the member asked to undo it the same month', actor: 'demo', idempotencyKey: `demo-reverse-${quoteId}`, at: at(x.reversedOnDay) });
      }
    }
  }
}
