import { newId, SqlParams, UserErrorException, type Queryable, type Scope, type Transaction } from '@retail/platform';
import { takeFromLots } from '../domain/lots';
import type { EntryRecord, ExchangeRecord, LockedAccount, LotRecord, QuoteRecord } from '../model';
import { ENTRY_COLUMNS, ENTRY_FROM, ensureAccount } from './accounts';
import { debit, lockAccounts, lotsForTakeBack, restoreDebit } from './ledger';

// Quotes, exchanges and the settlement entries they book (docs/architecture.md §7, "The points ledger").

/** Advisory lock class of one person's exchanges under one agreement ("px"), beside orders' "po". */
const PERSON_LOCK_CLASS = 0x7078;

/**
 * Who sees a quote or an exchange: the platform, either member of it, the admins (and other brand-scoped callers
 * but operators, staff and guides) of either brand, and a partner acting for either brand. `q` is the quote's alias.
 */
export function exchangeFence(scope: Scope, p: SqlParams, q = 'q'): string {
  switch (scope.kind) {
    case 'platform':
      return 'TRUE';
    case 'member': {
      const m = p.add(scope.memberId);
      return `(${q}.from_member_id = ${m} OR ${q}.to_member_id = ${m})`;
    }
    case 'brand': {
      const b = p.add(scope.brandId);
      return `(${q}.from_brand_id = ${b} OR ${q}.to_brand_id = ${b})`;
    }
    case 'partner': {
      const b = p.add(scope.partnerBrandId);
      return `(${q}.from_brand_id = ${b} OR ${q}.to_brand_id = ${b})`;
    }
    default:
      return 'FALSE';
  }
}

/** Who may commit a quote: the member who sends the points, and the platform (a service acting for it). */
function commitFence(scope: Scope, p: SqlParams): string {
  if (scope.kind === 'platform') return 'TRUE';
  if (scope.kind === 'member') return `q.from_member_id = ${p.add(scope.memberId)}`;
  return 'FALSE';
}

const QUOTE_COLUMNS = `q.id, q.agreement_id AS "agreementId", q.from_brand_id AS "fromBrandId", q.to_brand_id AS "toBrandId", q.from_member_id AS "fromMemberId",
  q.to_member_id AS "toMemberId", q.one_id AS "oneId", q.from_points AS "fromPoints", q.to_points AS "toPoints", q.rate_from AS "rateFrom", q.rate_to AS "rateTo",
  q.price_per_point_fen AS "pricePerPointFen", q.currency, q.created_at AS "createdAt", q.expires_at AS "expiresAt"`;

export const EXCHANGE_COLUMNS = `x.id, x.quote_id AS "quoteId", x.agreement_id AS "agreementId", x.from_entry_id AS "fromEntryId", x.to_entry_id AS "toEntryId",
  x.from_points AS "fromPoints", x.to_points AS "toPoints", CASE WHEN x.reversed_at IS NULL THEN 'COMMITTED' ELSE 'REVERSED' END AS status,
  x.committed_at AS "committedAt", x.reversed_at AS "reversedAt"`;

/** Quotes by id, inside the scope. */
export async function quotesByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<QuoteRecord[]> {
  const p = new SqlParams();
  return q.query<QuoteRecord>(`SELECT ${QUOTE_COLUMNS} FROM points.exchange_quote q WHERE q.id = ANY(${p.add(ids)}::text[]) AND ${exchangeFence(scope, p)}`, p.values);
}

/** Exchanges by id, inside the scope (through their quote's brands and members). */
export async function exchangesByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<ExchangeRecord[]> {
  const p = new SqlParams();
  return q.query<ExchangeRecord>(
    `SELECT ${EXCHANGE_COLUMNS} FROM points.exchange x JOIN points.exchange_quote q ON q.id = x.quote_id WHERE x.id = ANY(${p.add(ids)}::text[]) AND ${exchangeFence(scope, p)}`,
    p.values,
  );
}

/** Ledger entries by id. Unfenced: only reached from exchanges the fence returned. */
export function entriesByIds(q: Queryable, ids: readonly string[]): Promise<EntryRecord[]> {
  return q.query<EntryRecord>(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.id = ANY($1::text[])`, [ids]);
}

/** What a quote needs to know of the sending member's points and the agreement's limits, now. */
export interface QuoteFacts {
  /** The sender's open account at fromBrand (null: none; mergedInto: it was merged). */
  fromAccountId: string | null;
  fromMergedInto: string | null;
  spendable: number;
  /** fromBrand points this person sent under the agreement today (the brand's day), reversed exchanges left out. */
  usedToday: number;
  /** Whether the agreement is active and inside its validity window now. */
  inForce: boolean;
}

/**
 * The facts a quote is checked against (one statement). The sender's account is read without its lock: a quote
 * promises nothing, and the commit checks everything again under the lock. Unfenced: the command checked the caller
 * may act for the member.
 */
export async function quoteFacts(q: Queryable, agreementId: string, fromBrandId: string, fromMemberId: string, oneId: string): Promise<QuoteFacts> {
  const rows = await q.query<QuoteFacts>(
    `SELECT a.id AS "fromAccountId", a.merged_into AS "fromMergedInto",
            COALESCE((SELECT sum(l.remaining) FROM points.lot l WHERE l.account_id = a.id AND l.remaining > 0 AND l.available_at <= now() AND l.expires_at > now()), 0)::int AS spendable,
            ${USED_TODAY('$1', '$4', '$2', 'NULL::timestamptz')} AS "usedToday",
            (SELECT g.active AND g.valid_from <= now() AND (g.valid_to IS NULL OR g.valid_to > now()) FROM points.partner_agreement g WHERE g.id = $1) AS "inForce"
       FROM (SELECT 1) one LEFT JOIN points.account a ON a.member_id = $3 AND a.brand_id = $2`,
    [agreementId, fromBrandId, fromMemberId, oneId],
  );
  return rows[0]!;
}

/**
 * fromBrand points one person sent under an agreement on the day of `at` in the sending brand's time zone, reversals
 * left out. Live (`at` null) every exchange of the day counts, also one committed after this transaction began (it
 * waited on the person's lock); the demo's past bookings count those up to `at`.
 */
const USED_TODAY = (agreement: string, oneId: string, fromBrand: string, at: string) => `COALESCE((
  SELECT sum(x.from_points) FROM points.exchange x
   CROSS JOIN (SELECT COALESCE((SELECT r.time_zone FROM points.earning_rule r WHERE r.brand_id = ${fromBrand}), 'Asia/Shanghai') AS tz) z
   WHERE x.agreement_id = ${agreement} AND x.one_id = ${oneId} AND x.reversed_at IS NULL
     AND x.committed_at >= date_trunc('day', COALESCE(${at}, now()) AT TIME ZONE z.tz) AT TIME ZONE z.tz AND x.committed_at <= COALESCE(${at}, 'infinity')), 0)::int`;

/** A new quote's figures. Unfenced: quotePointsExchange checked the caller and the facts. */
export async function insertQuote(tx: Queryable, quote: Omit<QuoteRecord, 'id' | 'createdAt' | 'expiresAt'>, validSeconds: number, at: Date | null = null, id: string | null = null): Promise<QuoteRecord> {
  const rows = await tx.query<QuoteRecord>(
    `INSERT INTO points.exchange_quote AS q (id, agreement_id, from_brand_id, to_brand_id, from_member_id, to_member_id, one_id, from_points, to_points, rate_from, rate_to,
                                             price_per_point_fen, currency, created_at, expires_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, t.at, t.at + make_interval(secs => $14)
       FROM (SELECT COALESCE($15::timestamptz, clock_timestamp()) AS at) t
     RETURNING ${QUOTE_COLUMNS}`,
    [
      id ?? newId('pq'),
      quote.agreementId,
      quote.fromBrandId,
      quote.toBrandId,
      quote.fromMemberId,
      quote.toMemberId,
      quote.oneId,
      quote.fromPoints,
      quote.toPoints,
      quote.rateFrom,
      quote.rateTo,
      quote.pricePerPointFen,
      quote.currency,
      validSeconds,
      at,
    ],
  );
  return rows[0]!;
}

/** A quote about to be committed, with the accounts it moves points between. */
export interface OpenQuote extends QuoteRecord {
  expired: boolean;
  /** The sender's account at fromBrand, and into which account it was merged (null: open). */
  fromAccountId: string | null;
  fromMergedInto: string | null;
  /** The receiver's account at toBrand, the survivor's when it was merged (null: none yet). */
  toAccountId: string | null;
  /** The agreement's per-person daily limit (fromBrand points). */
  dailyLimit: number;
}

/**
 * Reads the quote inside the commit fence and takes the transaction's lock on its person and agreement (one
 * statement): commits of one person under one agreement queue, so the daily limit and "one exchange per quote" are
 * checked on what the commits before have written. Null when the quote is absent or not the caller's to commit.
 */
export async function openQuote(tx: Transaction, scope: Scope, quoteId: string, at: Date | null = null): Promise<OpenQuote | null> {
  const p = new SqlParams();
  const rows = await tx.query<OpenQuote & { locked: unknown }>(
    `SELECT ${QUOTE_COLUMNS}, q.expires_at <= COALESCE(${p.add(at)}::timestamptz, now()) AS expired,
            pg_advisory_xact_lock(${PERSON_LOCK_CLASS}, hashtext(q.agreement_id || '/' || q.one_id)) AS locked,
            fa.id AS "fromAccountId", fa.merged_into AS "fromMergedInto", COALESCE(ta.merged_into, ta.id) AS "toAccountId", g.daily_limit AS "dailyLimit"
       FROM points.exchange_quote q JOIN points.partner_agreement g ON g.id = q.agreement_id
       LEFT JOIN points.account fa ON fa.member_id = q.from_member_id AND fa.brand_id = q.from_brand_id
       LEFT JOIN points.account ta ON ta.member_id = q.to_member_id AND ta.brand_id = q.to_brand_id
      WHERE q.id = ${p.add(quoteId)} AND ${commitFence(scope, p)}`,
    p.values,
  );
  const row = rows[0];
  if (!row) return null;
  const { locked: _, ...quote } = row;
  return quote;
}

/** The id of the exchange a quote was committed as; null while it is unused. Unfenced: openQuote fenced the quote. */
export async function exchangeIdOfQuote(q: Queryable, quoteId: string): Promise<string | null> {
  const rows = await q.query<{ id: string }>(`SELECT x.id FROM points.exchange x WHERE x.quote_id = $1`, [quoteId]);
  return rows[0]?.id ?? null;
}

/** What a commit checks under the accounts' locks. */
interface CommitFacts {
  usedBy: string | null;
  usedToday: number;
  recentExchanges: number;
  lots: (Omit<LotRecord, 'expiresAt'> & { expiresAt: string })[];
  /** When the credited points lapse: toBrand's rule for points earned at the booking time (12 months without a rule). */
  lapsesAt: string;
}

/** The limits a commit enforces besides the agreement's. */
export interface ExchangeLimits {
  /** Exchanges one account may send in any 60 seconds (POINTS_EXCHANGE_LIMIT_PER_MINUTE). */
  perMinute: number;
  /** The agreement's per-person daily limit (fromBrand points). */
  dailyLimit: number;
}

/**
 * Carries out a quote on the locked-by-person transaction of openQuote: checks that the quote is unused, the velocity
 * and daily limits and the sender's spendable points (each a userError), then debits the sender FIFO (EXCHANGE_OUT,
 * recording the lots it consumed), credits the receiver with a new lot lapsing by toBrand's rule (EXCHANGE_IN), and
 * books the exchange and its settlement entry. The receiver's account is made when missing. `at`: the booking time
 * (the demo's past exchanges); default now. Unfenced: openQuote fenced the quote.
 */
export async function bookExchange(tx: Transaction, quote: OpenQuote, limits: ExchangeLimits, idempotencyKey: string, at: Date | null = null): Promise<ExchangeRecord> {
  if (!quote.fromAccountId) throw UserErrorException.of('INSUFFICIENT_POINTS', `member ${quote.fromMemberId} has no points at ${quote.fromBrandId}`, ['input', 'quoteId']);
  if (quote.fromMergedInto) throw UserErrorException.of('MEMBER_MERGED', `member ${quote.fromMemberId} was merged into another member; ask for a new quote`, ['input', 'quoteId']);
  const toAccountId = quote.toAccountId ?? (await ensureAccount(tx, quote.toMemberId, quote.toBrandId));
  const locked = await lockAccounts(tx, [quote.fromAccountId, toAccountId]);
  const from = locked.find((a) => a.id === quote.fromAccountId)!;
  const to = locked.find((a) => a.id === toAccountId)!;
  const t = at ?? null;
  const [facts] = (await tx.query<CommitFacts>(
    `WITH t AS (SELECT COALESCE($6::timestamptz, now()) AS at)
     SELECT (SELECT x.id FROM points.exchange x WHERE x.quote_id = $1) AS "usedBy",
            ${USED_TODAY('$2', '$3', '$5', '$6::timestamptz')} AS "usedToday",
            (SELECT count(*)::int FROM points.entry e WHERE e.account_id = $4 AND e.kind = 'EXCHANGE_OUT' AND e.created_at > (SELECT at FROM t) - interval '1 minute') AS "recentExchanges",
            COALESCE((SELECT json_agg(s ORDER BY s.expires, s.earned, s.id) FROM (
              SELECT l.id, l.account_id AS "accountId", l.points, l.remaining, TRUE AS released, l.expires_at AS "expiresAt", l.order_id AS "orderId",
                     l.expires_at AS expires, l.earned_at AS earned
                FROM points.lot l WHERE l.account_id = $4 AND l.remaining > 0 AND l.released_at IS NOT NULL
            ) s), '[]'::json) AS lots,
            (SELECT (date_trunc('month', t.at AT TIME ZONE z.tz) + make_interval(months => z.months + 1)) AT TIME ZONE z.tz
               FROM t CROSS JOIN (SELECT COALESCE(r.time_zone, 'Asia/Shanghai') AS tz, COALESCE(r.expiry_months, 12) AS months
                                    FROM (SELECT 1) one LEFT JOIN points.earning_rule r ON r.brand_id = $7) z) AS "lapsesAt"`,
    [quote.id, quote.agreementId, quote.oneId, from.id, quote.fromBrandId, t, quote.toBrandId],
  )) as [CommitFacts];
  if (facts.usedBy) throw UserErrorException.of('QUOTE_ALREADY_USED', `quote ${quote.id} was committed as exchange ${facts.usedBy}`, ['input', 'quoteId']);
  if (facts.recentExchanges >= limits.perMinute) {
    throw UserErrorException.of('VELOCITY_LIMIT_EXCEEDED', `at most ${limits.perMinute} exchanges a minute per member; try again shortly`, ['input', 'quoteId']);
  }
  if (facts.usedToday + quote.fromPoints > limits.dailyLimit) {
    throw UserErrorException.of('DAILY_LIMIT_EXCEEDED', `at most ${limits.dailyLimit} points a day under this agreement; ${facts.usedToday} were exchanged today`, ['input', 'quoteId']);
  }
  if (from.balance < quote.fromPoints) throw UserErrorException.of('INSUFFICIENT_POINTS', `only ${from.balance} points are spendable`, ['input', 'quoteId']);
  const { takes, shortfall } = takeFromLots(facts.lots, quote.fromPoints);
  // The cached balance is the sum of the released lots: they always cover it.
  if (shortfall > 0) throw new Error(`points account ${from.id}: cached balance ${from.balance} exceeds its spendable lots`);
  const exchangeId = newId('px');
  // One statement: both accounts' totals, the EXCHANGE_OUT entry and the lots it consumes (released lots only, so all
  // from the balance), the EXCHANGE_IN entry with its new lot (spendable at once), the exchange and its settlement entry.
  const rows = await tx.query<ExchangeRecord>(
    `WITH t AS (SELECT COALESCE($11::timestamptz, clock_timestamp()) AS at),
     fa AS (UPDATE points.account SET balance = balance - $7, updated_at = clock_timestamp() WHERE id = $2 RETURNING balance + pending AS total),
     ta AS (UPDATE points.account SET balance = balance + $8, updated_at = clock_timestamp() WHERE id = $3 RETURNING balance + pending AS total),
     eo AS (
       INSERT INTO points.entry (id, account_id, kind, points, balance_after, reason, idempotency_key, exchange_id, created_at)
       SELECT $4, $2, 'EXCHANGE_OUT', -$7, fa.total, $9, $10, $1, t.at FROM fa, t RETURNING id
     ), ei AS (
       INSERT INTO points.entry (id, account_id, kind, points, balance_after, reason, exchange_id, created_at)
       SELECT $5, $3, 'EXCHANGE_IN', $8, ta.total, $9, $1, t.at FROM ta, t RETURNING id
     ), m AS (
       SELECT * FROM unnest($12::text[], $13::int[]) AS x(lot_id, points)
     ), consumed AS (
       UPDATE points.lot l SET remaining = l.remaining - m.points FROM m WHERE l.id = m.lot_id
     ), consumed_moves AS (
       INSERT INTO points.lot_movement (entry_id, lot_id, points) SELECT eo.id, m.lot_id, -m.points FROM eo CROSS JOIN m
     ), lot AS (
       INSERT INTO points.lot (id, account_id, points, remaining, earned_at, available_at, released_at, expires_at, origin_entry_id)
       SELECT $6, $3, $8, $8, t.at, t.at, t.at, $14, ei.id FROM ei, t RETURNING id
     ), lot_move AS (
       INSERT INTO points.lot_movement (entry_id, lot_id, points) SELECT $5, lot.id, $8 FROM lot
     ), x AS (
       INSERT INTO points.exchange (id, quote_id, agreement_id, one_id, from_account_id, to_account_id, from_entry_id, to_entry_id, to_lot_id, from_points, to_points,
                                    idempotency_key, committed_at)
       SELECT $1, $15, $16, $17, $2, $3, eo.id, ei.id, lot.id, $7, $8, $10, t.at FROM eo, ei, lot, t
       RETURNING *
     ), s AS (
       INSERT INTO points.settlement_entry (id, agreement_id, exchange_id, kind, exchanges, points_out, points_in, amount_fen, currency, booked_at)
       SELECT $18, x.agreement_id, x.id, 'EXCHANGE', 1, x.from_points, x.to_points, x.to_points::bigint * $19, $20, x.committed_at FROM x
     )
     SELECT ${EXCHANGE_COLUMNS} FROM x`,
    [
      exchangeId,
      from.id,
      to.id,
      newId('pe'),
      newId('pe'),
      newId('plot'),
      quote.fromPoints,
      quote.toPoints,
      `exchange ${exchangeId}: ${quote.fromBrandId} → ${quote.toBrandId}`,
      idempotencyKey,
      t,
      takes.map((x) => x.lotId),
      takes.map((x) => x.points),
      facts.lapsesAt,
      quote.id,
      quote.agreementId,
      quote.oneId,
      newId('pst'),
      quote.pricePerPointFen,
      quote.currency,
    ],
  );
  return rows[0]!;
}

/** An exchange locked for its reversal, with what the reversal needs. */
export interface LockedExchange extends ExchangeRecord {
  fromBrandId: string;
  toBrandId: string;
  /** The accounts the exchange's points are on now (the survivors', after merges). */
  fromAccountId: string;
  toAccountId: string;
  toLotId: string;
  pricePerPointFen: number;
  currency: string;
}

/** Locks an exchange inside the scope (exchangeFence) for its reversal; null when absent or out of reach. */
export async function lockExchange(tx: Transaction, scope: Scope, exchangeId: string): Promise<LockedExchange | null> {
  const p = new SqlParams();
  const rows = await tx.query<LockedExchange>(
    `SELECT ${EXCHANGE_COLUMNS}, q.from_brand_id AS "fromBrandId", q.to_brand_id AS "toBrandId", COALESCE(fa.merged_into, fa.id) AS "fromAccountId",
            COALESCE(ta.merged_into, ta.id) AS "toAccountId", x.to_lot_id AS "toLotId", q.price_per_point_fen AS "pricePerPointFen", q.currency
       FROM points.exchange x JOIN points.exchange_quote q ON q.id = x.quote_id
       JOIN points.account fa ON fa.id = x.from_account_id JOIN points.account ta ON ta.id = x.to_account_id
      WHERE x.id = ${p.add(exchangeId)} AND ${exchangeFence(scope, p)}
      FOR UPDATE OF x`,
    p.values,
  );
  return rows[0] ?? null;
}

/** The reversal's ledger entries. */
export interface ExchangeReversal {
  exchange: ExchangeRecord;
  fromEntry: EntryRecord;
  toEntry: EntryRecord;
}

/**
 * Undoes a locked exchange: the receiver gives back what it got (its credited lot first, then its other lots FIFO,
 * pending ones too); if it spent some of it already, the reversal is refused (INSUFFICIENT_POINTS: a balance never
 * goes below 0, and a partial reversal would leave the brands' settlement and the ledgers disagreeing); the sender
 * gets back exactly the lots its EXCHANGE_OUT consumed, with their original expiry; the settlement books a REVERSAL
 * entry (negated figures) at the reversal's time, so a closed period's statement stays as it was. Unfenced: the
 * caller locked the exchange through the fence and checked the permission.
 */
export async function reverseExchange(tx: Transaction, x: LockedExchange, e: { reason: string; actor: string; idempotencyKey: string; at?: Date | null }): Promise<ExchangeReversal> {
  const locked = await lockAccounts(tx, [x.fromAccountId, x.toAccountId]);
  const from = locked.find((a) => a.id === x.fromAccountId) as LockedAccount;
  const to = locked.find((a) => a.id === x.toAccountId) as LockedAccount;
  const lots = await lotsForTakeBack(tx, to.id, x.toLotId);
  const { takes, shortfall } = takeFromLots(lots, x.toPoints);
  if (shortfall > 0) {
    throw UserErrorException.of(
      'INSUFFICIENT_POINTS',
      `the receiving member holds only ${x.toPoints - shortfall} of the ${x.toPoints} points it received at ${x.toBrandId} (spent or lapsed); correct it with adjustPoints instead`,
      ['input', 'exchangeId'],
    );
  }
  const facts = { reason: e.reason, actor: e.actor, idempotencyKey: e.idempotencyKey, exchangeId: x.id, at: e.at ?? null };
  const toEntry = await debit(tx, to, lots, takes, { ...facts, kind: 'REVERSAL', reversesEntryId: x.toEntryId });
  const fromEntry = await restoreDebit(tx, from, x.fromEntryId, facts);
  const rows = await tx.query<ExchangeRecord>(
    `WITH x AS (
       UPDATE points.exchange SET reversed_at = COALESCE($2::timestamptz, clock_timestamp()), reversal_reason = $3, reversed_by = $4, from_reversal_entry_id = $5,
              to_reversal_entry_id = $6
        WHERE id = $1 RETURNING *
     ), s AS (
       INSERT INTO points.settlement_entry (id, agreement_id, exchange_id, kind, exchanges, points_out, points_in, amount_fen, currency, booked_at)
       SELECT $7, x.agreement_id, x.id, 'REVERSAL', -1, -x.from_points, -x.to_points, -(x.to_points::bigint * $8), $9, x.reversed_at FROM x
     )
     SELECT ${EXCHANGE_COLUMNS} FROM x`,
    [x.id, e.at ?? null, e.reason, e.actor, fromEntry.id, toEntry.id, newId('pst'), x.pricePerPointFen, x.currency],
  );
  return { exchange: rows[0]!, fromEntry, toEntry };
}
