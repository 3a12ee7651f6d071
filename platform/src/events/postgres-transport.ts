import { WakeableSleep } from './wakeable-sleep';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { defaultConsumerName, runConsumerLoop, type Delivery } from './consumer-loop';
import { assertSchemaName } from './outbox';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_VISIBILITY_TIMEOUT_MS,
  type EventEnvelope,
  type EventHandler,
  type EventTransport,
  type SubscribeOptions,
  type Subscription,
} from './transport';

export const EVENTS_MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations/events');
export const DEFAULT_EVENTS_SCHEMA = 'events';

/** Creates (or brings up to date) the event log tables in `schema`. Safe to run from every service at start. */
export function migrateEventLog(db: Database, schema = DEFAULT_EVENTS_SCHEMA): Promise<string[]> {
  return migrate(db, { schema, sources: [{ name: 'events', dir: EVENTS_MIGRATIONS_DIR }] });
}

export interface PostgresTransportOptions {
  db: Database;
  /** The schema holding event_log (default `events`); create it with migrateEventLog() or PostgresTransport.create(). */
  schema?: string;
  /** First poll delay when idle; doubles up to maxPollMs. A publish in this process wakes its subscribers at once. */
  minPollMs?: number;
  maxPollMs?: number;
}

// Advisory lock namespace for "publishing to topic" (first int of the two-int form).
const PUBLISH_LOCK_CLASS = 0x6576; // "ev"

/**
 * The event transport on PostgreSQL/PGlite: an append-only event_log, a cursor per (topic, group) and
 * a pending_delivery row per event handed out and not yet acked. Consumers poll (LISTEN/NOTIFY does not
 * cross connections on PGlite) in short transactions with FOR UPDATE SKIP LOCKED, so the consumers of a
 * group share the work without blocking each other.
 */
export class PostgresTransport implements EventTransport {
  readonly kind = 'postgres' as const;
  private readonly db: Database;
  private readonly s: string;
  private readonly minPollMs: number;
  private readonly maxPollMs: number;
  private readonly wakeups = new EventEmitter();
  private readonly subscriptions = new Set<Subscription>();

  constructor(opts: PostgresTransportOptions) {
    this.db = opts.db;
    this.s = assertSchemaName(opts.schema ?? DEFAULT_EVENTS_SCHEMA);
    this.minPollMs = opts.minPollMs ?? 25;
    this.maxPollMs = opts.maxPollMs ?? 1000;
    this.wakeups.setMaxListeners(0);
  }

  /** Migrates the event log schema, then returns the transport. */
  static async create(opts: PostgresTransportOptions): Promise<PostgresTransport> {
    await migrateEventLog(opts.db, opts.schema ?? DEFAULT_EVENTS_SCHEMA);
    return new PostgresTransport(opts);
  }

  async publish(topic: string, envelope: EventEnvelope): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Held until commit: positions of one topic become visible in order (see the migration).
      await tx.query(`SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_CLASS}, hashtext($1))`, [topic]);
      await tx.query(`INSERT INTO ${this.s}.event_log (id, topic, envelope) VALUES ($1, $2, $3::jsonb)`, [envelope.id, topic, JSON.stringify(envelope)]);
    });
    this.wakeups.emit(topic);
  }

  async subscribe(topic: string, group: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const consumer = options.consumer ?? defaultConsumerName();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const visibilityMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
    await this.db.query(`INSERT INTO ${this.s}.consumer_group (topic, group_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [topic, group]);

    const nap = new WakeableSleep();
    /** The last round found nothing and nothing was published here since: the next one asks first (hasWork). */
    let wasIdle = false;
    const wake = () => {
      wasIdle = false;
      nap.wake();
    };
    this.wakeups.on(topic, wake);
    let delay = this.minPollMs;
    const idle = () => nap.sleep(delay);

    const loop = runConsumerLoop(
      {
        next: async () => {
          nap.reset();
          const claimed = wasIdle && !(await this.hasWork(topic, group)) ? [] : await this.claim(topic, group, consumer, batchSize, visibilityMs);
          wasIdle = claimed.length === 0;
          if (claimed.length > 0) {
            delay = this.minPollMs;
            return claimed.map(({ position, envelope }): Delivery => ({ envelope, ack: () => this.ack(topic, group, position) }));
          }
          await idle();
          delay = Math.min(delay * 2, this.maxPollMs);
          return [];
        },
        interrupt: wake,
      },
      handler,
      options,
    );
    const sub: Subscription = {
      stop: async () => {
        this.wakeups.off(topic, wake);
        await loop.stop();
        this.subscriptions.delete(sub);
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  /**
   * Whether a claim would find anything (an event past the group's cursor, or an expired claim): one read, where
   * a claim is a transaction of up to five round trips that locks the cursor row and so flushes the WAL at COMMIT
   * even when it hands out nothing. An idle consumer polls with this.
   */
  private async hasWork(topic: string, group: string): Promise<boolean> {
    const s = this.s;
    const [row] = await this.db.query<{ work: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${s}.event_log e JOIN ${s}.consumer_group g ON g.topic = e.topic AND g.group_name = $2
                       WHERE e.topic = $1 AND e.position > g.position)
           OR EXISTS (SELECT 1 FROM ${s}.pending_delivery WHERE topic = $1 AND group_name = $2 AND claimed_until < now()) AS work`,
      [topic, group],
    );
    return row?.work === true;
  }

  /** One short transaction: take over expired claims, then hand out the next new events. */
  private claim(topic: string, group: string, consumer: string, limit: number, visibilityMs: number): Promise<{ position: number; envelope: EventEnvelope }[]> {
    const s = this.s;
    return this.db.transaction(async (tx) => {
      const positions = (
        await tx.query<{ position: number }>(
          `UPDATE ${s}.pending_delivery p
              SET consumer = $3, claimed_until = now() + $4 * interval '1 millisecond', deliveries = p.deliveries + 1
             FROM (SELECT position FROM ${s}.pending_delivery
                    WHERE topic = $1 AND group_name = $2 AND claimed_until < now()
                    ORDER BY position LIMIT $5 FOR UPDATE SKIP LOCKED) expired
            WHERE p.topic = $1 AND p.group_name = $2 AND p.position = expired.position
        RETURNING p.position`,
          [topic, group, consumer, visibilityMs, limit],
        )
      ).map((r) => r.position);
      if (positions.length < limit) {
        // The group's cursor row serialises handing out new events; a consumer finding it locked skips.
        const cursor = await tx.query<{ position: number }>(
          `SELECT position FROM ${s}.consumer_group WHERE topic = $1 AND group_name = $2 FOR UPDATE SKIP LOCKED`,
          [topic, group],
        );
        const from = cursor[0]?.position;
        if (from !== undefined) {
          const fresh = await tx.query<{ position: number }>(
            `INSERT INTO ${s}.pending_delivery (topic, group_name, position, consumer, claimed_until)
             SELECT $1, $2, position, $3, now() + $4 * interval '1 millisecond'
               FROM ${s}.event_log WHERE topic = $1 AND position > $5 ORDER BY position LIMIT $6
             RETURNING position`,
            [topic, group, consumer, visibilityMs, from, limit - positions.length],
          );
          if (fresh.length > 0) {
            const last = Math.max(...fresh.map((r) => r.position));
            await tx.query(`UPDATE ${s}.consumer_group SET position = $3 WHERE topic = $1 AND group_name = $2`, [topic, group, last]);
            positions.push(...fresh.map((r) => r.position));
          }
        }
      }
      if (positions.length === 0) return [];
      return tx.query<{ position: number; envelope: EventEnvelope }>(
        `SELECT position, envelope FROM ${s}.event_log WHERE position = ANY($1::bigint[]) ORDER BY position`,
        [positions],
      );
    });
  }

  private async ack(topic: string, group: string, position: number): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}.pending_delivery WHERE topic = $1 AND group_name = $2 AND position = $3`, [topic, group, position]);
  }

  /** Does not close the Database: it belongs to the service. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }
}
