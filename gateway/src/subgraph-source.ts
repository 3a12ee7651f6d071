import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { REQUEST_ID_HEADER, encodeViewer, subgraphFetches, subgraphFetchesCoalesced, subgraphFetchDuration, type Viewer } from '@retail/platform';
import { coalescingFetcher } from './coalescing';
import { entityBatchingFetcher } from './entity-batching';
import type { GatewayContext } from './context';
import { CALL_ID_HEADER, signingFetcher, SubgraphTimeoutError, VIEWER_TO_SIGN_HEADER } from './fetcher';

/** Each viewer's encoding (encodeViewer), made once per request however many subgraph calls it causes. */
const encodedViewers = new WeakMap<Viewer, string>();
function encodedViewer(viewer: Viewer): string {
  let encoded = encodedViewers.get(viewer);
  if (encoded === undefined) {
    encoded = encodeViewer(viewer);
    encodedViewers.set(viewer, encoded);
  }
  return encoded;
}

let nextCallId = 0;

/**
 * A subgraph operation without its name: `query Op__stores__0($x:…){…}` becomes `query($x:…){…}`. The query
 * planner names each subgraph operation after the client's (`<name>__<subgraph>__<n>`), so every new client
 * operation name would be a new document to the subgraph (its parse and validation caches miss) and identical
 * calls of differently named operations could never coalesce. The name does nothing else: a subgraph operation
 * is the only one in its document. The query is returned unchanged when it does not start with that name.
 */
export function withoutOperationName(query: string, name: string): string {
  for (const keyword of ['query', 'mutation', 'subscription']) {
    const head = `${keyword} ${name}`;
    if (!query.startsWith(head)) continue;
    const next = query.charAt(head.length);
    if (next === '(' || next === '{' || next === ' ' || next === '@') return keyword + query.slice(head.length);
  }
  return query;
}

/**
 * One subgraph behind the gateway: signs the viewer for it, carries the request id, batches the entity fetches
 * one request sends it at the same moment into one call (entityBatchingFetcher), coalesces identical
 * in-flight queries of one viewer (coalescingFetcher), and turns a dead, slow or refusing subgraph into one
 * clear error (the other subgraphs' data still arrives).
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** Calls of this source answered by another call's fetch (by CALL_ID_HEADER), until process() sees them. */
  private readonly joined = new Set<string>();
  // Metric children bound once: no label hashing per call.
  private readonly fetchesOk;
  private readonly fetchesTimeout;
  private readonly fetchesError;
  private readonly fetchesCoalesced;
  private readonly duration;

  constructor(
    private readonly subgraph: string,
    url: string,
    fetcher: Fetcher,
    internalSecret: string,
    opts: { timeoutMs: number; coalesce?: boolean; batchEntities?: boolean } = { timeoutMs: 30_000 },
  ) {
    // The fetcher signs each call over the bytes it sends (the body is serialized after willSendRequest).
    const signing = signingFetcher(fetcher, internalSecret);
    const onJoined = (init: FetcherRequestInit) => {
      const id = init.headers?.[CALL_ID_HEADER];
      if (id !== undefined) this.joined.add(id);
    };
    const coalescing = opts.coalesce === false ? signing : coalescingFetcher(signing, { timeoutMs: opts.timeoutMs, onJoined });
    super({ url, fetcher: opts.batchEntities === false ? coalescing : entityBatchingFetcher(coalescing, { onJoined }) });
    this.fetchesOk = subgraphFetches.labels({ subgraph, outcome: 'ok' });
    this.fetchesTimeout = subgraphFetches.labels({ subgraph, outcome: 'timeout' });
    this.fetchesError = subgraphFetches.labels({ subgraph, outcome: 'error' });
    this.fetchesCoalesced = subgraphFetchesCoalesced.labels({ subgraph });
    this.duration = subgraphFetchDuration.labels({ subgraph });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (request.operationName && request.query) {
      const unnamed = withoutOperationName(request.query, request.operationName);
      if (unnamed !== request.query) {
        request.query = unnamed;
        delete request.operationName;
      }
    }
    const headers = request.http?.headers;
    if (!headers || !context.viewer) return;
    // The viewer to sign: signingFetcher signs it once per call, over the method, path and exact body sent.
    headers.set(VIEWER_TO_SIGN_HEADER, encodedViewer(context.viewer));
    headers.set(REQUEST_ID_HEADER, context.requestId);
    headers.set(CALL_ID_HEADER, String(++nextCallId));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const started = process.hrtime.bigint();
    let joined = false;
    const settle = () => {
      const id = options.request.http?.headers.get(CALL_ID_HEADER);
      joined = id != null && this.joined.delete(id);
      if (joined) this.fetchesCoalesced.inc();
      else if (options.context.viewer) options.context.subgraphFetches += 1;
    };
    try {
      const res = await super.process(options);
      settle();
      if (!joined) this.fetchesOk.inc();
      return res;
    } catch (e) {
      settle();
      if (!joined) (e instanceof SubgraphTimeoutError ? this.fetchesTimeout : this.fetchesError).inc();
      options.context.logger?.warn({ subgraph: this.subgraph, err: (e as Error).message }, 'subgraph call failed');
      throw this.clientError(e);
    } finally {
      if (!joined) this.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    // Never forward the subgraph's URL or body to the client.
    return new GraphQLError(`${this.subgraph} answered HTTP ${response.status}`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.subgraph, status: response.status },
    });
  }

  private clientError(e: unknown): GraphQLError {
    if (e instanceof GraphQLError && e.extensions?.code === 'SUBGRAPH_UNAVAILABLE') return e;
    const reason = e instanceof SubgraphTimeoutError ? `did not answer within ${e.ms} ms` : 'is unreachable';
    return new GraphQLError(`the ${this.subgraph} service ${reason}`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.subgraph },
    });
  }
}
