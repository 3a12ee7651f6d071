import { fetchPage, newId, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { ChannelEventRecord, ChannelEventStatus, ChannelKind, InboundFacts } from '../model';
import { connectionFence } from './connections';

// Inbound events (migrations/0001_init.sql, channels.inbound_event): fenced like their connection (its brand).

const COLUMNS = `e.id, e.connection_id AS "connectionId", e.brand_id AS "brandId", e.channel, e.event_type AS "eventType",
  e.external_id AS "externalId", e.status, e.error, e.order_id AS "orderId", e.received_at AS "receivedAt"`;

/** Events by id, inside the scope. */
export function eventsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<ChannelEventRecord[]> {
  const p = new SqlParams();
  return q.query<ChannelEventRecord>(`SELECT ${COLUMNS} FROM channels.inbound_event e WHERE e.id = ANY(${p.add(ids)}::text[]) AND ${connectionFence(scope, p, 'e.brand_id')}`, p.values);
}

/** Query.channelEvents: a connection's events, newest first, optionally of one status, inside the scope. */
export function listEvents(q: Queryable, scope: Scope, connectionId: string, status: ChannelEventStatus | null, page: PageRequest): Promise<Page<ChannelEventRecord>> {
  const p = new SqlParams();
  const where = `e.connection_id = ${p.add(connectionId)} ${status ? `AND e.status = ${p.add(status)}` : ''} AND ${connectionFence(scope, p, 'e.brand_id')}`;
  return fetchPage<ChannelEventRecord>(q, p, { columns: COLUMNS, from: 'channels.inbound_event e', where, sort: [timestampSortKey('e.received_at'), 'e.id'], descending: true }, page);
}

/** Where an event arrived and what it claims to be (before or after verification). */
export interface EventOrigin {
  connectionId: string;
  brandId: string;
  channel: ChannelKind;
  eventType: string;
  externalId: string;
}

/**
 * Stores an event that claims nothing: REJECTED (failed verification or checks) or DUPLICATE (a redelivery of an
 * ACCEPTED one). Unfenced: the caller is the provider's callback (src/routes/) or a command that fenced the event.
 */
export async function insertUnclaimedEvent(q: Queryable, origin: EventOrigin, status: 'REJECTED' | 'DUPLICATE', error: string | null, orderId: string | null): Promise<ChannelEventRecord> {
  const rows = await q.query<ChannelEventRecord>(
    `INSERT INTO channels.inbound_event AS e (id, connection_id, brand_id, channel, event_type, external_id, status, error, order_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [newId('chev'), origin.connectionId, origin.brandId, origin.channel, origin.eventType, origin.externalId, status, error, orderId],
  );
  return rows[0]!;
}

/**
 * Claims the provider's event id for the connection as ACCEPTED or FAILED (inbound_event_once): the new row, or null
 * when a row already holds it (a parallel delivery waits here for the first one's commit, then gets null).
 */
export async function claimEvent(q: Queryable, origin: EventOrigin, status: 'ACCEPTED' | 'FAILED', error: string | null, orderId: string | null, facts: InboundFacts): Promise<ChannelEventRecord | null> {
  const rows = await q.query<ChannelEventRecord>(
    `INSERT INTO channels.inbound_event AS e (id, connection_id, brand_id, channel, event_type, external_id, status, error, order_id, facts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
     ON CONFLICT (connection_id, external_id) WHERE status IN ('ACCEPTED', 'FAILED') DO NOTHING
     RETURNING ${COLUMNS}`,
    [newId('chev'), origin.connectionId, origin.brandId, origin.channel, origin.eventType, origin.externalId, status, error, orderId, JSON.stringify(facts)],
  );
  return rows[0] ?? null;
}

/** The ACCEPTED or FAILED row holding a provider's event id, locked. */
export async function lockClaimedEvent(q: Queryable, connectionId: string, externalId: string): Promise<(ChannelEventRecord & { facts: InboundFacts | null }) | null> {
  const rows = await q.query<ChannelEventRecord & { facts: InboundFacts | null }>(
    `SELECT ${COLUMNS}, e.facts FROM channels.inbound_event e
      WHERE e.connection_id = $1 AND e.external_id = $2 AND e.status IN ('ACCEPTED', 'FAILED') FOR UPDATE`,
    [connectionId, externalId],
  );
  return rows[0] ?? null;
}

/** An event by id with its facts, locked, inside the scope (replayChannelEvent). */
export async function lockEvent(q: Queryable, scope: Scope, id: string): Promise<(ChannelEventRecord & { facts: InboundFacts | null }) | null> {
  const p = new SqlParams();
  const rows = await q.query<ChannelEventRecord & { facts: InboundFacts | null }>(
    `SELECT ${COLUMNS}, e.facts FROM channels.inbound_event e WHERE e.id = ${p.add(id)} AND ${connectionFence(scope, p, 'e.brand_id')} FOR UPDATE`,
    p.values,
  );
  return rows[0] ?? null;
}

/** A FAILED event's new outcome (ACCEPTED, REJECTED, or FAILED again with the new reason); the caller locked it. */
export async function settleFailedEvent(q: Queryable, id: string, status: 'ACCEPTED' | 'FAILED' | 'REJECTED', error: string | null): Promise<ChannelEventRecord> {
  const rows = await q.query<ChannelEventRecord>(
    `UPDATE channels.inbound_event e SET status = $2, error = $3, attempts = attempts + 1, updated_at = now() WHERE e.id = $1 RETURNING ${COLUMNS}`,
    [id, status, error],
  );
  return rows[0]!;
}

/** A pulled record of the demo (demo/data.ts): ACCEPTED, of its order, without stored facts (it is never replayed). */
export interface SeededPulledRecord {
  id: string;
  connectionId: string;
  orderId: string;
  externalOrderId: string;
  externalStatus: string;
  modified: string;
  receivedAt: string;
}

/** The demo's pulled records, with their connection's brand and channel; left alone when present. */
export async function seedDemoPulledRecords(q: Queryable, rows: readonly SeededPulledRecord[]): Promise<void> {
  await q.query(
    `INSERT INTO channels.inbound_event (id, connection_id, brand_id, channel, event_type, external_id, status, order_id, received_at, updated_at)
     SELECT x.id, c.id, c.brand_id, c.channel, x."externalStatus", x."externalOrderId" || ':' || x."externalStatus" || ':' || x.modified, 'ACCEPTED',
            x."orderId", x."receivedAt", x."receivedAt"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "connectionId" text, "orderId" text, "externalOrderId" text, "externalStatus" text, modified text, "receivedAt" timestamptz)
       JOIN channels.connection c ON c.id = x."connectionId"
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}
