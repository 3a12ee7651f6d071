/** One event as every transport carries it. `id` is the outbox id: consumers dedupe on it. */
export interface EventEnvelope<P = unknown> {
  id: string;
  topic: string;
  /** The aggregate the event is about (an order id): what a consumer would partition or order by. */
  key: string;
  payload: P;
  /** ISO-8601 time the writer committed the change. */
  occurredAt: string;
  /** The subgraph that wrote it. */
  source: string;
}

/** Resolving acks the event; throwing leaves it unacked, so it is redelivered after the visibility timeout. */
export type EventHandler = (envelope: EventEnvelope) => Promise<void>;

export interface SubscribeOptions {
  /** This consumer's name inside the group (default: host-pid-random). */
  consumer?: string;
  /** An event delivered but not acked for this long is handed out again (to any consumer of the group). */
  visibilityTimeoutMs?: number;
  /** Events fetched per read. */
  batchSize?: number;
  /** How long stop() waits for handlers in flight; a handler finishing later is not acked. */
  drainTimeoutMs?: number;
  /** Told about handler and transport errors (the subscription keeps running). */
  onError?: (error: unknown, envelope?: EventEnvelope) => void;
  /**
   * Told the outcome of every step, success or failure (`error` set): a fetch from the transport (an empty one
   * included), a handler run, an ack. What consumer health, its log and its metrics are made of.
   */
  onOutcome?: (step: ConsumerStep, error?: unknown, envelope?: EventEnvelope) => void;
}

/** The steps of a consumer: fetching deliveries, running the handler on one, acking it. */
export type ConsumerStep = 'fetch' | 'handle' | 'ack';

export interface Subscription {
  /** Stops fetching and waits for handlers in flight (at most drainTimeoutMs). */
  stop(): Promise<void>;
}

/**
 * At-least-once pub/sub with consumer groups: every group receives every event of a topic;
 * the consumers of one group share the work; an event not acked is redelivered.
 * A group that subscribes for the first time starts at the oldest retained event.
 */
export interface EventTransport {
  readonly kind: 'redis' | 'postgres';
  publish(topic: string, envelope: EventEnvelope): Promise<void>;
  subscribe(topic: string, group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription and releases connections the transport opened itself. */
  close(): Promise<void>;
}

export const DEFAULT_VISIBILITY_TIMEOUT_MS = 30_000;
export const DEFAULT_BATCH_SIZE = 50;
export const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;
