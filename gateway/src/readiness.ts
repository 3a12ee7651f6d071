import type { ReadinessCheck } from '@retail/platform';

/**
 * How long the gateway waits for a subgraph's /readyz: under the 900 ms its own /readyz allows a check, and
 * over the 300 ms a subgraph waits for a database connection before it says its pool is exhausted.
 */
export const SUBGRAPH_READY_PROBE_MS = 700;
/** How long one probe's answer is reused: load balancers probing the gateway often do not multiply the probes. */
export const SUBGRAPH_READY_CACHE_MS = 1000;

/** A subgraph's /readyz, from its GraphQL URL (same origin). */
export function readyzUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = '/readyz';
  url.search = '';
  return url.toString();
}

/**
 * A readiness check of the gateway for one subgraph: its /readyz answers 200 within `probeMs`. Otherwise it
 * says which subgraph, its status and the names of its failing checks (never its address). The answer is
 * reused for `cacheMs`, and concurrent /readyz calls share one probe.
 */
export function subgraphReadiness(name: string, graphqlUrl: string, opts: { probeMs?: number; cacheMs?: number } = {}): ReadinessCheck {
  const url = readyzUrl(graphqlUrl);
  const probeMs = opts.probeMs ?? SUBGRAPH_READY_PROBE_MS;
  const cacheMs = opts.cacheMs ?? SUBGRAPH_READY_CACHE_MS;
  let last: { at: number; result: true | string } | undefined;
  let inFlight: Promise<true | string> | undefined;

  const probe = async (): Promise<true | string> => {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(probeMs) });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      return timedOut ? `${name}: /readyz did not answer within ${probeMs} ms` : `${name}: unreachable`;
    }
    const body = (await res.json().catch(() => null)) as { status?: unknown; checks?: Record<string, unknown> } | null;
    if (res.status === 200) return true;
    const failing = Object.entries(body?.checks ?? {})
      .filter(([, v]) => v !== 'ok')
      .map(([k]) => k);
    const status = typeof body?.status === 'string' ? ` ${body.status}` : '';
    return `${name}:${status || ' not ready'} (HTTP ${res.status}${failing.length ? `; failing: ${failing.join(', ')}` : ''})`;
  };

  return () => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.result);
    inFlight ??= probe().then((result) => {
      last = { at: Date.now(), result };
      inFlight = undefined;
      return result;
    });
    return inFlight;
  };
}
