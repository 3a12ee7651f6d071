import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every service exposes it at /metrics. */
export const registry = new Registry();
// The event-loop delay is sampled every 50 ms, not prom-client's 10: its timer wakes an idle process 100 times a
// second otherwise, ~3.5 ms of CPU a second per process (docs/performance.md, "CPU per request").
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 50 });

/** Seconds: the buckets of every request latency histogram (a service's own, and the gateway's subgraph calls). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests served, by route and status',
  labelNames: ['service', 'route', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency, by route',
  labelNames: ['service', 'route'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const sqlStatements = new Counter({
  name: 'sql_statements_total',
  help: 'SQL statements sent to the database',
  labelNames: ['service'] as const,
  registers: [registry],
});

export const sqlPerRequest = new Histogram({
  name: 'sql_statements_per_request',
  help: 'SQL statements one GraphQL request caused',
  labelNames: ['service'] as const,
  buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55],
  registers: [registry],
});

export const subgraphFetches = new Counter({
  name: 'gateway_subgraph_fetches_total',
  help: 'Requests the gateway sent to subgraphs, by subgraph and outcome',
  labelNames: ['subgraph', 'outcome'] as const,
  registers: [registry],
});

/** Subgraph queries answered by an identical call already in flight instead of a fetch of their own (docs/architecture.md §3). */
export const subgraphFetchesCoalesced = new Counter({
  name: 'gateway_subgraph_fetches_coalesced_total',
  help: 'Subgraph queries the gateway answered by joining an identical in-flight call (same subgraph, body and viewer), by subgraph',
  labelNames: ['subgraph'] as const,
  registers: [registry],
});

export const subgraphFetchDuration = new Histogram({
  name: 'gateway_subgraph_fetch_duration_seconds',
  help: 'Latency of gateway calls to subgraphs',
  labelNames: ['subgraph'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

/**
 * How long after its commit an event was applied by a consumer group: the lag of every read model fed by
 * events (e.g. products' store directory behind a store handover). Writes that must not lag ask the owner.
 */
export const eventApplyLag = new Histogram({
  name: 'event_apply_lag_seconds',
  help: 'Time from an event being committed by its writer to its being applied by a consumer group',
  labelNames: ['topic', 'group'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

/** Whether each Redis connection of this process is up (1) or down (0), by client (keyvalue, events, events-read:<topic>). */
export const redisConnectionUp = new Gauge({
  name: 'redis_connection_up',
  help: 'Whether a Redis connection of this process is up (1) or reconnecting (0), by client',
  labelNames: ['client'] as const,
  registers: [registry],
});

/** Rate-limit and cache operations served in-process because Redis failed, timed out or was disconnected. */
export const keyValueFallbacks = new Counter({
  name: 'keyvalue_fallback_total',
  help: 'Rate-limit and cache operations served by the in-process fallback because Redis failed or was unreachable',
  labelNames: ['operation'] as const,
  registers: [registry],
});

/** Fetches, handler runs and acks of an event consumer that failed (docs/architecture.md §6). */
export const eventConsumerFailures = new Counter({
  name: 'event_consumer_failures_total',
  help: 'Failed fetches, handler runs and acks of an event consumer, by topic and consumer group',
  labelNames: ['topic', 'group'] as const,
  registers: [registry],
});

/** How long a consumer has been failing without a success in between (0 while it makes progress). */
export const eventConsumerFailingSeconds = new Gauge({
  name: 'event_consumer_failing_seconds',
  help: 'Seconds an event consumer has been failing without making progress (0 when it works), by topic and group',
  labelNames: ['topic', 'group'] as const,
  registers: [registry],
});

/** Events of a topic a group has not acknowledged yet: not yet delivered plus delivered and unacked (Redis Streams). */
export const eventConsumerPending = new Gauge({
  name: 'event_consumer_pending_events',
  help: 'Events a consumer group has not acknowledged yet (undelivered lag plus delivered and unacked), by topic and group',
  labelNames: ['topic', 'group'] as const,
  registers: [registry],
});

/** Failed outbox relay rounds (the events wait in the outbox and are published when it works again). */
export const outboxRelayFailures = new Counter({
  name: 'outbox_relay_failures_total',
  help: 'Outbox relay rounds that failed (database or transport); the events wait in the outbox',
  labelNames: ['schema'] as const,
  registers: [registry],
});

/** Anonymous public reads the gateway answered from its response cache (docs/performance.md, "Public response cache"). */
export const responseCacheHits = new Counter({
  name: 'gateway_response_cache_hits_total',
  help: 'Anonymous requests the gateway answered from its public response cache',
  registers: [registry],
});

/** Anonymous requests looked up in the response cache and not found fresh there (absent, invalidated or expired). */
export const responseCacheMisses = new Counter({
  name: 'gateway_response_cache_misses_total',
  help: 'Anonymous requests looked up in the public response cache and not answered from it (absent, invalidated, expired, or the cache unreachable)',
  registers: [registry],
});

/** Generations of a cached domain bumped: by a mutation through this gateway, or by an event of the domain's subgraph. */
export const responseCacheInvalidations = new Counter({
  name: 'gateway_response_cache_invalidations_total',
  help: 'Invalidations of a public response cache domain, by domain and source (mutation, event)',
  labelNames: ['domain', 'source'] as const,
  registers: [registry],
});

/** Promises that failed with nobody awaiting them (a bug, logged with its stack; the process keeps serving). */
export const unhandledRejections = new Counter({
  name: 'process_unhandled_rejections_total',
  help: 'Promise rejections no code handled (each is logged at error level with its stack)',
  registers: [registry],
});
