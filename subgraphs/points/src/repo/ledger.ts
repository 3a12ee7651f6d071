import { newId, type Transaction } from '@retail/platform';
import type { LotTake } from '../domain/lots';
import type { EntryKind, EntryRecord, LockedAccount, LotRecord } from '../model';
import { ENTRY_COLUMNS, ENTRY_FROM } from './accounts';

// The ledger's writes (docs/architecture.md §7, "The points ledger"). Every function runs in the caller's transaction
// with the account's row locked (lockAccount), so the cached balance and pending change together with the entry and
// the lots. Entries are only ever inserted. Unfenced: the commands and event consumers that call them have checked
// the account against the caller (or apply another subgraph's facts).

const LOT_COLUMNS = `l.id, l.account_id AS "accountId", l.points, l.remaining, l.released_at IS NOT NULL AS released, l.expires_at AS "expiresAt", l.order_id AS "orderId"`;

/** FIFO: soonest expiry first, then the oldest lot. */
const FIFO = 'l.expires_at, l.earned_at, l.id';

/** Lots of the account (alias a) that a settlement would change: past their holding period or their expiry. */
const DUE = `EXISTS (SELECT 1 FROM points.lot d WHERE d.account_id = a.id AND d.remaining > 0 AND (d.expires_at <= now() OR (d.released_at IS NULL AND d.available_at <= now())))`;

const ACCOUNT_COLUMNS = `a.id, a.member_id AS "memberId", a.brand_id AS "brandId", a.balance, a.pending`;

/**
 * Locks accounts in id order (so two writers never wait for each other crosswise), then settles those that need it:
 * lots past their holding period are released into the balance, lots past their expiry lapse with an EXPIRE entry
 * each. Returns the accounts' cached totals after that (one statement when nothing is due).
 */
export async function lockAccounts(tx: Transaction, accountIds: readonly string[]): Promise<LockedAccount[]> {
  const rows = await tx.query<LockedAccount & { due: boolean }>(
    `SELECT ${ACCOUNT_COLUMNS}, ${DUE} AS due FROM points.account a WHERE a.id = ANY($1::text[]) ORDER BY a.id FOR UPDATE`,
    [accountIds],
  );
  const due = rows.filter((r) => r.due).map((r) => r.id);
  if (due.length === 0) return rows.map(({ due: _, ...account }) => account);
  await settleAccounts(tx, due);
  return tx.query<LockedAccount>(`SELECT ${ACCOUNT_COLUMNS} FROM points.account a WHERE a.id = ANY($1::text[]) ORDER BY a.id`, [accountIds]);
}

/** lockAccounts for one account. */
export async function lockAccount(tx: Transaction, accountId: string): Promise<LockedAccount> {
  const [account] = await lockAccounts(tx, [accountId]);
  if (!account) throw new Error(`points account ${accountId} does not exist`);
  return account;
}

/**
 * Releases due pending lots and expires overdue ones of accounts whose rows the caller has locked (two statements,
 * whatever the number of accounts). Returns how many lots lapsed. Safe to repeat: a lapsed lot has nothing left.
 */
export async function settleAccounts(tx: Transaction, accountIds: readonly string[]): Promise<number> {
  await tx.query(
    `WITH due AS (
       UPDATE points.lot SET released_at = now() WHERE account_id = ANY($1::text[]) AND released_at IS NULL AND available_at <= now() RETURNING account_id, remaining
     ), moved AS (SELECT account_id, sum(remaining)::int AS r FROM due GROUP BY account_id)
     UPDATE points.account a SET balance = a.balance + m.r, pending = a.pending - m.r, updated_at = clock_timestamp() FROM moved m WHERE a.id = m.account_id AND m.r > 0`,
    [accountIds],
  );
  const rows = await tx.query<{ n: number }>(
    `WITH overdue AS (
       SELECT l.id AS lot_id, l.account_id, l.remaining, l.released_at IS NOT NULL AS released, l.expires_at, 'pe-' || gen_random_uuid()::text AS entry_id,
              (a.balance + a.pending - sum(l.remaining) OVER (PARTITION BY l.account_id ORDER BY l.expires_at, l.id))::int AS balance_after,
              row_number() OVER (PARTITION BY l.account_id ORDER BY l.expires_at, l.id) AS n
         FROM points.lot l JOIN points.account a ON a.id = l.account_id
        WHERE l.account_id = ANY($1::text[]) AND l.remaining > 0 AND l.expires_at <= now()
     ), entries AS (
       INSERT INTO points.entry (id, account_id, kind, points, balance_after, reason, created_at)
       SELECT o.entry_id, o.account_id, 'EXPIRE', -o.remaining, o.balance_after,
              'points lapsed at ' || to_char(o.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), clock_timestamp() + o.n * interval '1 microsecond'
         FROM overdue o RETURNING id
     ), moves AS (
       INSERT INTO points.lot_movement (entry_id, lot_id, points) SELECT o.entry_id, o.lot_id, -o.remaining FROM overdue o JOIN entries e ON e.id = o.entry_id
     ), lots AS (
       UPDATE points.lot l SET remaining = 0 FROM overdue o WHERE l.id = o.lot_id
     ), totals AS (
       SELECT account_id, COALESCE(sum(remaining) FILTER (WHERE released), 0)::int AS b, COALESCE(sum(remaining) FILTER (WHERE NOT released), 0)::int AS p FROM overdue GROUP BY account_id
     ), accounts AS (
       UPDATE points.account a SET balance = a.balance - t.b, pending = a.pending - t.p, updated_at = clock_timestamp() FROM totals t WHERE a.id = t.account_id
     )
     SELECT count(*)::int AS n FROM overdue`,
    [accountIds],
  );
  return rows[0]?.n ?? 0;
}

/** Spendable lots of a locked (settled) account, FIFO: released, with points left. */
export function spendableLots(tx: Transaction, accountId: string): Promise<LotRecord[]> {
  return tx.query<LotRecord>(`SELECT ${LOT_COLUMNS} FROM points.lot l WHERE l.account_id = $1 AND l.remaining > 0 AND l.released_at IS NOT NULL ORDER BY ${FIFO}`, [accountId]);
}

/** Every lot of a locked (settled) account with points left, pending ones too: the order's own lot first, then FIFO. */
export function lotsForTakeBack(tx: Transaction, accountId: string, orderLotId: string | null): Promise<LotRecord[]> {
  return tx.query<LotRecord>(`SELECT ${LOT_COLUMNS} FROM points.lot l WHERE l.account_id = $1 AND l.remaining > 0 ORDER BY l.id = $2 DESC, ${FIFO}`, [accountId, orderLotId]);
}

/**
 * A locked (settled) account's spendable lots, FIFO, and how many redemptions it made in the last minute (the
 * velocity limit), in one statement. Read after the lock was taken, so both include every write before it.
 */
export async function redeemableLots(tx: Transaction, accountId: string): Promise<{ lots: LotRecord[]; recentRedemptions: number }> {
  const rows = await tx.query<{ lots: (Omit<LotRecord, 'expiresAt'> & { expiresAt: string })[]; recentRedemptions: number }>(
    `SELECT COALESCE((SELECT json_agg(s ORDER BY s.expires, s.earned, s.id) FROM (
              SELECT ${LOT_COLUMNS}, l.expires_at AS expires, l.earned_at AS earned FROM points.lot l WHERE l.account_id = $1 AND l.remaining > 0 AND l.released_at IS NOT NULL
            ) s), '[]'::json) AS lots,
            (SELECT count(*)::int FROM points.entry WHERE account_id = $1 AND kind = 'REDEEM' AND created_at > now() - interval '1 minute') AS "recentRedemptions"`,
    [accountId],
  );
  const { lots, recentRedemptions } = rows[0]!;
  return { lots: lots.map((l) => ({ id: l.id, accountId: l.accountId, points: l.points, remaining: l.remaining, released: l.released, expiresAt: new Date(l.expiresAt), orderId: l.orderId })), recentRedemptions };
}

/** What a new entry says besides its points. */
export interface EntryFacts {
  kind: EntryKind;
  reason: string | null;
  orderId?: string | null;
  actor?: string | null;
  idempotencyKey?: string | null;
  reversesEntryId?: string | null;
  exchangeId?: string | null;
  /** When it is booked (default: now); the demo books its past exchanges at their own time. */
  at?: Date | null;
}

/** An entry as the graph shows it. */
export async function entryById(tx: Transaction, id: string): Promise<EntryRecord> {
  const rows = await tx.query<EntryRecord>(`SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_FROM} WHERE e.id = $1`, [id]);
  return rows[0]!;
}

/**
 * Changes the locked account's cached totals, inserts the entry with the balance after it, and moves lots by signed
 * amounts with a movement row each under the entry: one statement.
 */
async function insertEntry(
  tx: Transaction,
  accountId: string,
  points: number,
  toBalance: number,
  toPending: number,
  e: EntryFacts,
  moves: readonly { lotId: string; points: number }[] = [],
): Promise<EntryRecord> {
  const rows = await tx.query<EntryRecord>(
    `WITH acc AS (
       UPDATE points.account SET balance = balance + $3, pending = pending + $4, updated_at = clock_timestamp() WHERE id = $2 RETURNING balance + pending AS total
     ), e AS (
       INSERT INTO points.entry (id, account_id, kind, points, balance_after, reason, order_id, actor, idempotency_key, reverses_entry_id, exchange_id, created_at)
       SELECT $1, $2, $5, $6, acc.total, $7, $8, $9, $10, $11, $14, COALESCE($15::timestamptz, clock_timestamp()) FROM acc
       RETURNING id, account_id AS "accountId", kind, points, balance_after AS "balanceAfter", reason, order_id AS "orderId", exchange_id AS "exchangeId",
                 created_at AS "createdAt", NULL::timestamptz AS "expiresAt"
     ), m AS (
       SELECT * FROM unnest($12::text[], $13::int[]) AS x(lot_id, points)
     ), lots AS (
       UPDATE points.lot l SET remaining = l.remaining + m.points FROM m WHERE l.id = m.lot_id
     ), movements AS (
       INSERT INTO points.lot_movement (entry_id, lot_id, points) SELECT e.id, m.lot_id, m.points FROM e CROSS JOIN m
     )
     SELECT * FROM e`,
    [
      newId('pe'),
      accountId,
      toBalance,
      toPending,
      e.kind,
      points,
      e.reason,
      e.orderId ?? null,
      e.actor ?? null,
      e.idempotencyKey ?? null,
      e.reversesEntryId ?? null,
      moves.map((m) => m.lotId),
      moves.map((m) => m.points),
      e.exchangeId ?? null,
      e.at ?? null,
    ],
  );
  return rows[0]!;
}

/**
 * Credits a locked account: an entry and a new lot with its expiry and the time it becomes spendable (pending until
 * then). Returns the entry and the lot's id.
 */
export async function credit(
  tx: Transaction,
  account: LockedAccount,
  points: number,
  lot: { earnedAt: Date | null; availableAt: Date | null; expiresAt: Date; orderId: string | null },
  e: EntryFacts,
): Promise<{ entry: EntryRecord; lotId: string }> {
  const [{ pendingNow, lapsed }] = (await tx.query<{ pendingNow: boolean; lapsed: boolean }>(
    `SELECT COALESCE($1::timestamptz > now(), FALSE) AS "pendingNow", $2::timestamptz <= now() AS lapsed`,
    [lot.availableAt, lot.expiresAt],
  )) as [{ pendingNow: boolean; lapsed: boolean }];
  // A lot is never born lapsed: other writers' lockAccounts would not see it due (their check reads before the lock).
  if (lapsed) throw new Error(`points account ${account.id}: a credit lapsing at ${new Date(lot.expiresAt).toISOString()} is already lapsed`);
  const entry = await insertEntry(tx, account.id, points, pendingNow ? 0 : points, pendingNow ? points : 0, { ...e, orderId: e.orderId ?? lot.orderId });
  const lotId = newId('plot');
  await tx.query(
    `WITH lot AS (
       INSERT INTO points.lot (id, account_id, points, remaining, earned_at, available_at, released_at, expires_at, origin_entry_id, order_id)
       VALUES ($1, $2, $3, $3, COALESCE($4::timestamptz, now()), COALESCE($5::timestamptz, now()), CASE WHEN $6::boolean THEN NULL ELSE now() END, $7, $8, $9)
       RETURNING id, points
     )
     INSERT INTO points.lot_movement (entry_id, lot_id, points) SELECT $8, lot.id, lot.points FROM lot`,
    [lotId, account.id, points, lot.earnedAt, lot.availableAt, pendingNow, lot.expiresAt, entry.id, lot.orderId],
  );
  return { entry: { ...entry, expiresAt: lot.expiresAt }, lotId };
}

/**
 * Debits a locked account by what is taken from its lots (the caller chose them from spendableLots or
 * lotsForTakeBack and checked they cover the debit): one entry of −sum, one movement per lot.
 */
export async function debit(tx: Transaction, account: LockedAccount, lots: readonly LotRecord[], takes: readonly LotTake[], e: EntryFacts): Promise<EntryRecord> {
  const released = new Map(lots.map((l) => [l.id, l.released]));
  const fromBalance = takes.filter((t) => released.get(t.lotId)).reduce((s, t) => s + t.points, 0);
  const total = takes.reduce((s, t) => s + t.points, 0);
  return insertEntry(tx, account.id, -total, -fromBalance, -(total - fromBalance), e, takes.map((t) => ({ lotId: t.lotId, points: -t.points })));
}

/** A debit entry that may be given back, with the account its lots are on now. */
export interface ReversibleDebit {
  entryId: string;
  /** The account the consumed lots are on now (the survivor's, after a merge). */
  accountId: string;
  orderId: string | null;
}

/** Redemptions of an order that were not given back yet (one statement). */
export function openRedemptionsOfOrder(tx: Transaction, orderId: string): Promise<ReversibleDebit[]> {
  return tx.query<ReversibleDebit>(
    `SELECT e.id AS "entryId", COALESCE(a.merged_into, a.id) AS "accountId", e.order_id AS "orderId"
       FROM points.entry e JOIN points.account a ON a.id = e.account_id
      WHERE e.order_id = $1 AND e.kind = 'REDEEM'
        AND NOT EXISTS (SELECT 1 FROM points.entry r WHERE r.reverses_entry_id = e.id AND r.kind = 'REVERSAL' AND r.points > 0)
      ORDER BY e.created_at, e.id`,
    [orderId],
  );
}

/**
 * Gives back a debit on its (locked) account: exactly the lots it consumed get back exactly what it took from each,
 * keeping their own expiry (a lot that has lapsed meanwhile lapses again at the next settlement). One REVERSAL entry.
 */
export async function restoreDebit(tx: Transaction, account: LockedAccount, debitEntryId: string, e: Omit<EntryFacts, 'kind' | 'reversesEntryId'>): Promise<EntryRecord> {
  const moves = await tx.query<{ lotId: string; points: number; released: boolean }>(
    `SELECT m.lot_id AS "lotId", -m.points AS points, l.released_at IS NOT NULL AS released
       FROM points.lot_movement m JOIN points.lot l ON l.id = m.lot_id WHERE m.entry_id = $1 AND m.points < 0 ORDER BY m.lot_id`,
    [debitEntryId],
  );
  const total = moves.reduce((s, m) => s + m.points, 0);
  const toBalance = moves.filter((m) => m.released).reduce((s, m) => s + m.points, 0);
  return insertEntry(tx, account.id, total, toBalance, total - toBalance, { ...e, kind: 'REVERSAL', reversesEntryId: debitEntryId }, moves);
}

/**
 * Folds a merged member's locked account into the survivor's (both locked, both settled): its lots move over with
 * their expiry and holding period, its points leave with a MERGE_OUT entry and arrive with a MERGE_IN entry, and it is
 * closed (merged_into), as are accounts merged into it before. Orders it earned on now take back from the survivor.
 */
export async function foldAccount(tx: Transaction, merged: LockedAccount, survivor: LockedAccount, reason: string): Promise<void> {
  const total = merged.balance + merged.pending;
  if (total > 0) {
    await insertEntry(tx, merged.id, -total, -merged.balance, -merged.pending, { kind: 'MERGE_OUT', reason });
    await insertEntry(tx, survivor.id, total, merged.balance, merged.pending, { kind: 'MERGE_IN', reason });
  }
  await tx.query(`UPDATE points.lot SET account_id = $2 WHERE account_id = $1`, [merged.id, survivor.id]);
  await tx.query(`UPDATE points.order_points SET account_id = $2 WHERE account_id = $1`, [merged.id, survivor.id]);
  await tx.query(`UPDATE points.account SET merged_into = $2, updated_at = clock_timestamp() WHERE id = $1 OR merged_into = $1`, [merged.id, survivor.id]);
}
