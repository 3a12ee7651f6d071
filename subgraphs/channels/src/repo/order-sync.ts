import { newId, type Queryable, type Transaction } from '@retail/platform';
import { publishOrdersUpserted } from '../events/publishes';
import type { ConnectionRecord } from '../model';
import { erasedAccountsAmong } from './erasure';

// The order pull's state per connection (migrations/0002_order_pulls.sql) and the records it stores
// (channels.inbound_event). Unfenced: the callers are syncChannelOrders, which fenced the connection by the caller's
// scope first (lockConnection), and the scheduled sync, which acts for the platform on every ACTIVE pulled connection.

/**
 * Takes the connection's pull lease for `holder` until now + leaseMs, when nobody else holds it: the stored cursor
 * (null before the first pull), or undefined when another pull holds the lease.
 */
export async function acquireSyncLease(q: Queryable, connectionId: string, holder: string, leaseMs: number): Promise<{ cursorAt: Date | null } | undefined> {
  const rows = await q.query<{ cursorAt: Date | null }>(
    `INSERT INTO channels.order_sync AS s (connection_id, lease_holder, lease_until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (connection_id) DO UPDATE SET lease_holder = EXCLUDED.lease_holder, lease_until = EXCLUDED.lease_until, updated_at = now()
       WHERE s.lease_until IS NULL OR s.lease_until < now() OR s.lease_holder = EXCLUDED.lease_holder
     RETURNING s.cursor_at AS "cursorAt"`,
    [connectionId, holder, leaseMs],
  );
  return rows[0];
}

/** Extends `holder`'s lease to now + leaseMs; false when it lost the lease (it expired and another pull took it). */
export async function renewSyncLease(q: Queryable, connectionId: string, holder: string, leaseMs: number): Promise<boolean> {
  const rows = await q.query(
    `UPDATE channels.order_sync SET lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
      WHERE connection_id = $1 AND lease_holder = $2 AND lease_until > now() RETURNING 1`,
    [connectionId, holder, leaseMs],
  );
  return rows.length === 1;
}

/** Ends the lease (when `holder` still has it) and schedules the next scheduled sync `nextInMs` from now. */
export async function releaseSyncLease(q: Queryable, connectionId: string, holder: string, nextInMs: number): Promise<void> {
  await q.query(
    `UPDATE channels.order_sync SET lease_holder = NULL, lease_until = NULL, next_sync_at = now() + $3 * interval '1 millisecond', updated_at = now()
      WHERE connection_id = $1 AND lease_holder = $2`,
    [connectionId, holder, nextInMs],
  );
}

/**
 * Moves the cursor to `windowEnd` (never back) and renews the lease, in the transaction that stored the window's
 * records; false when `holder` lost the lease meanwhile (the caller rolls back: another pull owns the connection now).
 */
export async function advanceCursor(tx: Transaction, connectionId: string, holder: string, windowEnd: Date, leaseMs: number): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE channels.order_sync SET cursor_at = GREATEST(coalesce(cursor_at, $3), $3), lease_until = now() + $4 * interval '1 millisecond', updated_at = now()
      WHERE connection_id = $1 AND lease_holder = $2 AND lease_until > now() RETURNING 1`,
    [connectionId, holder, windowEnd, leaseMs],
  );
  return rows.length === 1;
}

/** The connection's last successful pull (its window's end) or its last failure (lastError), on the connection. */
export async function recordSyncOutcome(q: Queryable, connectionId: string, outcome: { syncedTo: Date } | { error: string }): Promise<void> {
  if ('syncedTo' in outcome) {
    await q.query(`UPDATE channels.connection SET last_sync_at = GREATEST(coalesce(last_sync_at, $2), $2), last_error = NULL, updated_at = now() WHERE id = $1`, [connectionId, outcome.syncedTo]);
  } else {
    await q.query(`UPDATE channels.connection SET last_error = $2, updated_at = now() WHERE id = $1`, [connectionId, outcome.error.slice(0, 1000)]);
  }
}

/**
 * ACTIVE TMALL and JD connections whose scheduled sync is due and that nobody is pulling, oldest due first: a
 * connection never pulled is due one interval after it was created (syncChannelOrders pulls it at once).
 */
export async function dueConnectionIds(q: Queryable, limit: number, intervalMs: number): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT c.id FROM channels.connection c LEFT JOIN channels.order_sync s ON s.connection_id = c.id
      WHERE c.channel IN ('TMALL', 'JD') AND c.status = 'ACTIVE'
        AND coalesce(s.next_sync_at, c.created_at + $2 * interval '1 millisecond') <= now()
        AND (s.lease_until IS NULL OR s.lease_until < now())
      ORDER BY coalesce(s.next_sync_at, c.created_at + $2 * interval '1 millisecond'), c.id LIMIT $1`,
    [limit, intervalMs],
  );
  return rows.map((r) => r.id);
}

/** A record of a pull as it becomes an inbound event: its id in the store, what it is, and the event it publishes. */
export interface PulledRecord {
  /** `<order id>:<provider status>:<modified>`: the same record pulled again has the same id. */
  externalId: string;
  eventType: string;
  /** The channels.order.upserted payload without its eventId (the stored event's id), or null for an unreadable record. */
  upserted: Record<string, unknown> | null;
  /** Why the record is unreadable (stored REJECTED). */
  error: string | null;
  orderKey: string | null;
  /** The platform order the record is of (its upserted event's orderId), or null for an unreadable record. */
  orderId: string | null;
}

const buyerRefOf = (upserted: Record<string, unknown> | null): string | null => {
  const buyer = upserted?.buyer as { ref?: unknown } | null | undefined;
  return typeof buyer?.ref === 'string' ? buyer.ref : null;
};

/**
 * A record of an order its buyer placed before the buyer's member was erased (erased_account) keeps no buyer: the
 * erasure dropped that account from the order's earlier records, and a status change pulled later must not bring it
 * back. An order placed after the erasure is the person's new business and keeps its buyer's ref.
 */
async function withoutErasedBuyers(tx: Transaction, records: PulledRecord[]): Promise<PulledRecord[]> {
  const erased = await erasedAccountsAmong(tx, [...new Set(records.map((r) => buyerRefOf(r.upserted)).filter((ref): ref is string => ref !== null))]);
  if (erased.size === 0) return records;
  return records.map((r) => {
    const at = erased.get(buyerRefOf(r.upserted) ?? '');
    const placedAt = Date.parse(String(r.upserted?.placedAt));
    return at && !(placedAt > at.getTime()) ? { ...r, upserted: { ...r.upserted, buyer: null } } : r;
  });
}

/**
 * Stores a window's records for the connection, one statement each way: new ones ACCEPTED with their
 * channels.order.upserted appended to the outbox (one statement for all) in the same transaction; ones stored before
 * count as duplicates (their row's attempts go up: an overlapping re-pull is expected, not an incident); unreadable
 * ones REJECTED once.
 * Buyers of erased members' earlier orders are left out (withoutErasedBuyers: one statement when any record has a buyer).
 */
export async function storePulledRecords(tx: Transaction, connection: ConnectionRecord, records: readonly PulledRecord[]): Promise<{ accepted: number; duplicates: number; rejected: number }> {
  // A record read twice in one window (pages shift while they are read) counts once.
  const unique = [...new Map(records.map((r) => [r.externalId, r])).values()];
  const readable = await withoutErasedBuyers(tx, unique.filter((r) => r.upserted !== null));
  const unreadable = unique.filter((r) => r.upserted === null);
  const rows = readable.map((r) => {
    const id = newId('chev');
    return { id, external_id: r.externalId, event_type: r.eventType, order_id: r.orderId, payload: { eventId: id, ...r.upserted } };
  });
  const inserted = rows.length
    ? await tx.query<{ id: string; externalId: string }>(
        `INSERT INTO channels.inbound_event (id, connection_id, brand_id, channel, event_type, external_id, status, order_id, facts)
         SELECT r.id, $1, $2, $3, r.event_type, r.external_id, 'ACCEPTED', r.order_id, jsonb_build_object('kind', 'ORDER', 'order', r.payload)
           FROM jsonb_to_recordset($4::jsonb) AS r(id text, external_id text, event_type text, order_id text, payload jsonb)
         ON CONFLICT (connection_id, external_id) WHERE status IN ('ACCEPTED', 'FAILED') DO NOTHING
         RETURNING id, external_id AS "externalId"`,
        [connection.id, connection.brandId, connection.channel, JSON.stringify(rows)],
      )
    : [];
  const fresh = new Set(inserted.map((r) => r.id));
  const seen = rows.filter((r) => !fresh.has(r.id)).map((r) => r.external_id);
  if (seen.length) {
    await tx.query(
      `UPDATE channels.inbound_event SET attempts = attempts + 1, updated_at = now()
        WHERE connection_id = $1 AND external_id = ANY($2::text[]) AND status IN ('ACCEPTED', 'FAILED')`,
      [connection.id, seen],
    );
  }
  const keys = new Map(readable.map((r) => [r.externalId, r.orderKey!]));
  await publishOrdersUpserted(tx, rows.filter((r) => fresh.has(r.id)).map((r) => ({ key: keys.get(r.external_id)!, payload: r.payload })));
  let rejected = 0;
  if (unreadable.length) {
    const rejectedRows = await tx.query(
      `INSERT INTO channels.inbound_event (id, connection_id, brand_id, channel, event_type, external_id, status, error)
       SELECT r.id, $1, $2, $3, r.event_type, r.external_id, 'REJECTED', r.error FROM jsonb_to_recordset($4::jsonb) AS r(id text, external_id text, event_type text, error text)
        WHERE NOT EXISTS (SELECT 1 FROM channels.inbound_event e WHERE e.connection_id = $1 AND e.external_id = r.external_id)
       RETURNING 1`,
      [connection.id, connection.brandId, connection.channel, JSON.stringify(unreadable.map((r) => ({ id: newId('chev'), external_id: r.externalId, event_type: r.eventType, error: r.error })))],
    );
    rejected = rejectedRows.length;
  }
  return { accepted: fresh.size, duplicates: seen.length, rejected };
}
