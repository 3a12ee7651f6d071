import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';

/**
 * Subgraph answers the gateway hands on as the GraphQL responses they are, although their status is not 2xx
 * (RemoteGraphQLDataSource throws on any non-2xx status, and SubgraphSource.process turns what it throws into
 * SUBGRAPH_UNAVAILABLE; so they are handed on here, before them):
 * - 400 whose every error is BAD_USER_INPUT, without data: a value only the subgraph can check (a custom scalar
 *   such as DateTime, a NUL character). The client's mistake reaches the client as the subgraph's own typed
 *   error, with its message and serviceName.
 * - 503 whose every error is SERVICE_UNAVAILABLE, without data (absent or null): a dependency of the subgraph
 *   (its database, a peer) is unavailable; the client gets that retryable SERVICE_UNAVAILABLE with the
 *   subgraph's serviceName (and HTTP 503 when nothing else answered).
 * Any other non-2xx (a refused signature, a validation error the gateway should have caught, a proxy's 503, a
 * body that is not GraphQL) and an unreachable subgraph stay SUBGRAPH_UNAVAILABLE, so an incident never looks
 * like bad input.
 */
const OWN_ANSWERS: Readonly<Record<number, { code: string; nullData: boolean }>> = {
  400: { code: 'BAD_USER_INPUT', nullData: false },
  503: { code: 'SERVICE_UNAVAILABLE', nullData: true },
};

/** Whether a subgraph's non-2xx answer is one of its own GraphQL answers (above). */
export function isOwnAnswer(status: number, body: string): boolean {
  const rule = OWN_ANSWERS[status];
  if (!rule) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || !('errors' in parsed)) return false;
  if ('data' in parsed && !(rule.nullData && parsed.data === null)) return false;
  const errors: unknown = parsed.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e: unknown) => {
      if (typeof e !== 'object' || e === null || !('message' in e) || typeof e.message !== 'string' || !('extensions' in e)) return false;
      const ext: unknown = e.extensions;
      return typeof ext === 'object' && ext !== null && 'code' in ext && ext.code === rule.code;
    })
  );
}

function answeredWith(res: FetcherResponse, body: string): FetcherResponse {
  return {
    bodyUsed: false,
    url: res.url,
    redirected: res.redirected,
    status: 200,
    ok: true,
    statusText: 'OK',
    headers: res.headers,
    text: async () => body,
    json: async () => JSON.parse(body),
    arrayBuffer: async () => new TextEncoder().encode(body).buffer,
    clone: () => answeredWith(res, body),
  };
}

/** The subgraph fetcher, handing a subgraph's own non-2xx GraphQL answers on as GraphQL responses (above). */
export function withSubgraphOwnAnswers(fetcher: Fetcher): Fetcher {
  return async (url, init) => {
    const res = await fetcher(url, init);
    if (!OWN_ANSWERS[res.status]) return res;
    const body = await res.clone().text();
    return isOwnAnswer(res.status, body) ? answeredWith(res, body) : res;
  };
}
