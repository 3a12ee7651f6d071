import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { REQUEST_ID_HEADER, encodeViewer, subgraphFetches, subgraphFetchDuration } from '@retail/platform';
import type { GatewayContext } from './context';
import { signingFetcher, SubgraphTimeoutError, VIEWER_TO_SIGN_HEADER } from './fetcher';

/**
 * One subgraph behind the gateway: signs the viewer for it, carries the request id, and turns a
 * dead, slow or refusing subgraph into one clear error (the other subgraphs' data still arrives).
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    fetcher: Fetcher,
    internalSecret: string,
  ) {
    // The fetcher signs each call over the bytes it sends (the body is serialized after willSendRequest).
    super({ url, fetcher: signingFetcher(fetcher, internalSecret) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context.viewer) return;
    // The viewer to sign: signingFetcher signs it once per call, over the method, path and exact body sent.
    headers.set(VIEWER_TO_SIGN_HEADER, encodeViewer(context.viewer));
    headers.set(REQUEST_ID_HEADER, context.requestId);
    context.subgraphFetches += 1;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const started = process.hrtime.bigint();
    try {
      const res = await super.process(options);
      subgraphFetches.inc({ subgraph: this.subgraph, outcome: 'ok' });
      return res;
    } catch (e) {
      subgraphFetches.inc({ subgraph: this.subgraph, outcome: e instanceof SubgraphTimeoutError ? 'timeout' : 'error' });
      options.context.logger?.warn({ subgraph: this.subgraph, err: (e as Error).message }, 'subgraph call failed');
      throw this.clientError(e);
    } finally {
      subgraphFetchDuration.observe({ subgraph: this.subgraph }, Number(process.hrtime.bigint() - started) / 1e9);
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
