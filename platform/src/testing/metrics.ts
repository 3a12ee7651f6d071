import { sqlPerRequest } from '../metrics';

/**
 * SQL statements sent on behalf of GraphQL requests so far (all services, or one), from the
 * per-request histogram: background work (outbox relay, event consumers, jobs) is not counted.
 */
export async function requestSqlStatements(service?: string): Promise<number> {
  const m = await sqlPerRequest.get();
  return m.values
    .filter((v) => v.metricName === 'sql_statements_per_request_sum' && (service === undefined || v.labels.service === service))
    .reduce((s, v) => s + v.value, 0);
}
