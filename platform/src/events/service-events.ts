import type { Logger } from 'pino';
import type { BaseConfig } from '../config';
import type { Database } from '../db/database';
import type { Health } from '../health';
import { outboxRelayFailures } from '../metrics';
import { OutageLog } from '../outage-log';
import { consume, type EventApplier } from './consume';
import { ConsumerHealth } from './consumer-health';
import { createEventTransport } from './create-event-transport';
import { startOutboxRelay } from './outbox-relay';
import type { EventTransport, Subscription } from './transport';

export interface ConsumedTopic {
  topic: string;
  apply: EventApplier<unknown>;
}

export interface ServiceEventsOptions {
  db: Database;
  config: BaseConfig;
  logger: Logger;
  /** The subgraph's schema: its outbox is relayed from there; its consumer group is named after it. */
  schema: string;
  /** Whether this service writes an outbox to relay. */
  publishes: boolean;
  consumes: ConsumedTopic[];
  /** /readyz: each consumer adds `events:<topic>`, failing while it has made no progress for `stalledAfterMs`. */
  health?: Health;
  /** How long a consumer may fail before its readiness check fails (default 60 s). */
  stalledAfterMs?: number;
}

/**
 * A subgraph's event work (docs/architecture.md §6): the transport its config chooses (Redis Streams with REDIS_URL,
 * else the PostgreSQL one), the relay of its outbox and one deduplicating consumer per topic.
 * Returns the stop function a SubgraphDefinition.background hands back.
 */
export async function startServiceEvents(opts: ServiceEventsOptions): Promise<() => Promise<void>> {
  const log = opts.logger.child({ component: 'events' });
  const transport = await createEventTransport({ redisUrl: opts.config.REDIS_URL, db: opts.db, streamPrefix: opts.config.EVENT_STREAM_PREFIX, logger: log });
  const relay = opts.publishes ? startOutboxRelay({ ...relayReporting(transport, opts.schema, log), db: opts.db, schema: opts.schema }) : null;
  const subs: Subscription[] = [];
  for (const c of opts.consumes) {
    // Failures are logged once per state change (and counted) by the consumer's health, not one line per retry.
    const health = new ConsumerHealth({ topic: c.topic, group: opts.schema, logger: log, stalledAfterMs: opts.stalledAfterMs });
    opts.health?.add(`events:${c.topic}`, async () => health.check());
    subs.push(await consume(transport, opts.db, opts.schema, opts.schema, c.topic, c.apply, { onOutcome: health.outcome }));
  }
  log.info({ transport: transport.kind, relay: !!relay, consumes: opts.consumes.map((c) => c.topic) }, 'events started');
  return async () => {
    for (const s of subs) await s.stop();
    await relay?.stop();
    await transport.close();
  };
}

/**
 * The relay's transport and error callback, logging its failures once per state change ("events wait in the
 * outbox") and its recovery at the next publish that succeeds; `outbox_relay_failures_total{schema}` counts them.
 */
function relayReporting(transport: EventTransport, schema: string, log: Logger): { transport: EventTransport; onError: (error: unknown) => void } {
  const outage = new OutageLog({
    logger: log,
    fields: { schema },
    messages: {
      down: 'outbox relay cannot publish; events wait in the outbox',
      stillDown: 'outbox relay still cannot publish; events wait in the outbox',
      up: 'outbox relay publishing again',
    },
  });
  return {
    transport: {
      kind: transport.kind,
      publish: async (topic, envelope) => {
        await transport.publish(topic, envelope);
        outage.success();
      },
      subscribe: (topic, group, handler, options) => transport.subscribe(topic, group, handler, options),
      close: () => transport.close(),
    },
    onError: (error) => {
      outboxRelayFailures.inc({ schema });
      outage.failure(error);
    },
  };
}
