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
  /** Idle poll interval; appendToOutbox callers in this process can call relay.wake() to skip the wait. */
  pollIntervalMs?: number;
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
export async function relayOutboxBatch(opts: OutboxRelayOptions): Promise<number> {
  const s = assertSchemaName(opts.schema);
  if (!(await acquireLease(opts.db, s, opts.replica ?? THIS_PROCESS, opts.leaseMs ?? 30_000))) return 0;
  const rows = await opts.db.query<OutboxRow>(`SELECT id, topic, key, payload, created_at FROM ${s}.outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
    [opts.batchSize ?? 100],
  );
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

/** Runs relayOutboxBatch in a loop: at once while batches are full, else every pollIntervalMs. */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const replica = opts.replica ?? THIS_PROCESS;
  const batchSize = opts.batchSize ?? 100;
  const pollMs = opts.pollIntervalMs ?? 200;
  let running = true;
  const nap = new WakeableSleep();
  const wake = nap.wake;
  const pause = (ms: number) => (running ? nap.sleep(ms) : Promise.resolve());
  const loop = (async () => {
    while (running) {
      nap.reset();
      let n = 0;
      try {
        n = await relayOutboxBatch({ ...opts, replica, batchSize });
      } catch (e) {
        opts.onError?.(e);
        await pause(Math.max(pollMs, 1000));
        continue;
      }
      if (n < batchSize) await pause(pollMs);
    }
  })();
  return {
    wake,
    async stop() {
      running = false;
      wake();
      await loop;
      await releaseLease(opts.db, assertSchemaName(opts.schema), replica).catch(() => undefined);
    },
  };
}
