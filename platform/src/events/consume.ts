import type { Database, Transaction } from '../db/database';
import { eventApplyLag } from '../metrics';
import { assertSchemaName } from './outbox';
import type { EventEnvelope, EventTransport, SubscribeOptions, Subscription } from './transport';

/**
 * Applies an event inside the consumer's transaction. It must only touch the database: on PGlite the
 * transaction holds the whole database, so a call to another service from here would deadlock.
 */
export type EventApplier<P = unknown> = (tx: Transaction, envelope: EventEnvelope<P>) => Promise<void>;

/**
 * Subscribes `group` to `topic` and applies each event in ONE transaction together with a row in
 * <schema>.processed_events: a redelivered event finds its row and has no second effect. The event is
 * acked after the commit; a throw rolls both back and the transport redelivers it later.
 */
export function consume<P = unknown>(
  transport: EventTransport,
  db: Database,
  schema: string,
  group: string,
  topic: string,
  apply: EventApplier<P>,
  options?: SubscribeOptions,
): Promise<Subscription> {
  const s = assertSchemaName(schema);
  return transport.subscribe(
    topic,
    group,
    async (envelope) => {
      const applied = await db.transaction(async (tx) => {
        // On real PostgreSQL a concurrent duplicate waits here on the unique key, then finds it taken.
        const fresh = await tx.query(
          `INSERT INTO ${s}.processed_events (consumer_group, event_id, topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
          [group, envelope.id, envelope.topic],
        );
        if (fresh.length === 0) return false;
        await apply(tx, envelope as EventEnvelope<P>);
        return true;
      });
      const committed = Date.parse(envelope.occurredAt);
      if (applied && Number.isFinite(committed)) eventApplyLag.observe({ topic: envelope.topic, group }, Math.max(0, Date.now() - committed) / 1000);
    },
    options,
  );
}
