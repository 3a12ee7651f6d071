import crypto from 'node:crypto';
import { markOutboxWrite, type Transaction } from '../db/database';

/** What a writer publishes: a topic (`order.paid`), a key (the aggregate id, for ordering/partitioning) and a JSON payload. */
export interface OutboxEvent {
  topic: string;
  key: string;
  payload: unknown;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Interpolated schema names are checked: they cannot be bound as parameters. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return schema;
}

/**
 * Records an event in <schema>.outbox inside the caller's business transaction, so the event
 * exists if and only if the change committed. The relay publishes it later. Returns the event id.
 */
export async function appendToOutbox(tx: Transaction, schema: string, event: OutboxEvent): Promise<string> {
  const s = assertSchemaName(schema);
  const id = crypto.randomUUID();
  markOutboxWrite(tx);
  await tx.query(`INSERT INTO ${s}.outbox (id, topic, key, payload) VALUES ($1, $2, $3, $4::jsonb)`, [
    id,
    event.topic,
    event.key,
    JSON.stringify(event.payload ?? null),
  ]);
  return id;
}

/**
 * appendToOutbox for many events in one statement (a writer that publishes one event per row it stores): the rows
 * get their seq in the order given, so the relay publishes them in that order. Returns the event ids, in that order.
 */
export async function appendAllToOutbox(tx: Transaction, schema: string, events: readonly OutboxEvent[]): Promise<string[]> {
  const s = assertSchemaName(schema);
  const rows = events.map((e) => ({ id: crypto.randomUUID(), topic: e.topic, key: e.key, payload: e.payload ?? null }));
  if (rows.length === 0) return [];
  markOutboxWrite(tx);
  await tx.query(
    `INSERT INTO ${s}.outbox (id, topic, key, payload)
     SELECT (e->>'id')::uuid, e->>'topic', e->>'key', e->'payload' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n`,
    [JSON.stringify(rows)],
  );
  return rows.map((r) => r.id);
}
