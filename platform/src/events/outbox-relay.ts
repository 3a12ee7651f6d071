import { WakeableSleep } from './wakeable-sleep';
import type { Database } from '../db/database';
import { defaultConsumerName } from './consumer-loop';
import { assertSchemaName } from './outbox';
import type { EventEnvelope, EventTransport } from './transport';

export interface OutboxRelayOptions {
  /** The subgraph's database. */
  db: Database;
  /** The subgraph schema whose outbox is relayed. */
  schema: string;
  transport: EventTransport;
  /** Envelope `source` (default: the schema name). */
  source?: string;
  batchSize?: number;
  /**
   * The first idle pause (ms); it doubles while the outbox stays empty, up to maxPollIntervalMs. A COMMIT of
   * outbox rows in this process (Database.onOutboxCommitted) ends the pause at once, so the longer pauses only
   * delay rows another replica wrote while this one holds the lease.
   */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** How long one replica holds the relay lease; renewed every batch. */
  leaseMs?: number;
  /** This replica's name in the lease (default: one name per process). */
  replica?: string;
  onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  /** Cuts the current idle wait short (after a local write). */
  wake(): void;
  /** Finishes the batch in flight, then releases the lease. */
  stop(): Promise<void>;
}

const THIS_PROCESS = defaultConsumerName();

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  payload: unknown;
  created_at: Date;
}

async function acquireLease(db: Database, s: string, replica: string, leaseMs: number): Promise<boolean> {
  const rows = await db.query(`INSERT INTO ${s}.outbox_relay_lease (holder, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
     ON CONFLICT (singleton) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE outbox_relay_lease.holder = EXCLUDED.holder OR outbox_relay_lease.expires_at < now()
     RETURNING holder`,
    [replica, leaseMs],
  );
  return rows.length > 0;
}

async function releaseLease(db: Database, s: string, replica: string): Promise<void> {
  await db.query(`UPDATE ${s}.outbox_relay_lease SET expires_at = '-infinity' WHERE holder = $1`, [replica]);
}

/**
 * Publishes one batch of unpublished outbox rows in order and marks them published. Returns how many
 * were published, or 0 when another replica holds the lease. No transaction is held while publishing
 * (on PGlite it would block the whole database, and the PostgreSQL transport writes through it).
 * A crash after publishing and before marking republishes the batch: delivery is at-least-once and
 * consumers dedupe on the event id.
 */
export async function relayOutboxBatch(opts: OutboxRelayOptions, lease: LeaseHeld = { until: 0 }): Promise<number> {
  const s = assertSchemaName(opts.schema);
  const leaseMs = opts.leaseMs ?? 30_000;
  // The lease is renewed once half of it is spent, not every round: an idle relay would write a row (and flush
  // the WAL) several times a second. `until` is this process's own clock, read before the lease was written, so
  // it never outlasts the lease as the database counts it.
  const asked = Date.now();
  const replica = opts.replica ?? THIS_PROCESS;
  const renew = asked >= lease.until;
  if (renew) {
    if (!(await acquireLease(opts.db, s, replica, leaseMs))) {
      lease.until = 0;
      return 0;
    }
    lease.until = asked + leaseMs / 2;
  }
  // Between renewals the batch is read only while the lease row still names this replica (in the same read, no
  // write): a lease taken over (an operator, a clock) stops this relay at its next batch, not at its next renewal.
  const read = await opts.db.query<OutboxRow & { held: boolean }>(
    `SELECT h.held, o.id, o.topic, o.key, o.payload, o.created_at
       FROM (SELECT $3::boolean OR EXISTS (SELECT 1 FROM ${s}.outbox_relay_lease WHERE holder = $2 AND expires_at > now()) AS held) h
       LEFT JOIN LATERAL (SELECT id, topic, key, payload, created_at, seq FROM ${s}.outbox
                           WHERE h.held AND published_at IS NULL ORDER BY seq LIMIT $1) o ON true
      ORDER BY o.seq`,
    [opts.batchSize ?? 100, replica, renew],
  );
  if (!read[0]?.held) {
    lease.until = 0;
    return 0;
  }
  const rows = read.filter((r) => r.id !== null);
  const published: string[] = [];
  try {
    for (const row of rows) {
      const envelope: EventEnvelope = {
        id: row.id,
        topic: row.topic,
        key: row.key,
        payload: row.payload,
        occurredAt: new Date(row.created_at).toISOString(),
        source: opts.source ?? opts.schema,
      };
      try {
        await opts.transport.publish(row.topic, envelope);
      } catch (e) {
        // Stop at the first failure so later events do not overtake it.
        await opts.db.query(`UPDATE ${s}.outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [row.id, String((e as Error)?.message ?? e)]);
        throw e;
      }
      published.push(row.id);
    }
  } finally {
    if (published.length > 0) {
      await opts.db.query(`UPDATE ${s}.outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])`, [published]);
    }
  }
  return published.length;
}

/** Until when (Date.now()) this replica may relay without renewing its lease. */
export interface LeaseHeld {
  until: number;
}

/**
 * Runs relayOutboxBatch in a loop: at once while batches are full; else after a pause that starts at
 * pollIntervalMs and doubles while nothing is found, cut short by a local COMMIT of outbox rows.
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const replica = opts.replica ?? THIS_PROCESS;
  const batchSize = opts.batchSize ?? 100;
  const pollMs = opts.pollIntervalMs ?? 200;
  const maxPollMs = Math.max(pollMs, opts.maxPollIntervalMs ?? 1000);
  let running = true;
  const nap = new WakeableSleep();
  const wake = nap.wake;
  const stopListening = opts.db.onOutboxCommitted(wake);
  const pause = (ms: number) => (running ? nap.sleep(ms) : Promise.resolve());
  const lease: LeaseHeld = { until: 0 };
  const loop = (async () => {
    let idleMs = pollMs;
    while (running) {
      nap.reset();
      let n = 0;
      try {
        n = await relayOutboxBatch({ ...opts, replica, batchSize }, lease);
      } catch (e) {
        lease.until = 0;
        opts.onError?.(e);
        await pause(Math.max(pollMs, 1000));
        continue;
      }
      if (n >= batchSize) continue;
      if (n > 0) idleMs = pollMs;
      await pause(idleMs);
      if (n === 0) idleMs = Math.min(idleMs * 2, maxPollMs);
    }
  })();
  return {
    wake,
    async stop() {
      running = false;
      stopListening();
      wake();
      await loop;
      await releaseLease(opts.db, assertSchemaName(opts.schema), replica).catch(() => undefined);
    },
  };
}
