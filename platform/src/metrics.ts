import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every service exposes it at /metrics. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

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
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
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

export const subgraphFetchDuration = new Histogram({
  name: 'gateway_subgraph_fetch_duration_seconds',
  help: 'Latency of gateway calls to subgraphs',
  labelNames: ['subgraph'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
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
