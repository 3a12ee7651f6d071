import type { Experimental_DidResolveQueryPlanCallback } from '@apollo/gateway';
import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type ContextThunk, type HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import type { GatewayContext } from './context';
import { factsOfPlan, isPublicPlan, selectsShortLived, type CacheRequestState, type Lookup, type ResponseCache } from './response-cache';

// How the gateway answers public reads (docs/performance.md, "Public response cache"): Cache-Control on every
// answer, the response cache's hits before Apollo parses anything, and the invalidation of a mutation's domains
// before its answer leaves.

/** Cache-Control of everything that is not a public answer: nothing per viewer (or with errors) is ever kept. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** A shared cache must key a public answer on these too: a signed-in caller sees more, Accept picks the media type. */
const PUBLIC_VARY = 'accept, authorization';

function stateOf(context: object): CacheRequestState | undefined {
  return 'cache' in context ? (context as { cache?: CacheRequestState }).cache : undefined;
}

/** ApolloGateway's experimental_didResolveQueryPlan: notes in the request's state what its plan does. */
export const noteQueryPlan: Experimental_DidResolveQueryPlanCallback = ({ queryPlan, requestContext, operationContext }) => {
  const state = stateOf(requestContext.context);
  if (!state) return;
  const query = operationContext.operation.operation === OperationTypeNode.QUERY;
  // Only an anonymous query's answer may be public, so only then is the document walked for stock fields.
  const shortLived = query && state.anonymous && selectsShortLived(operationContext.schema, requestContext.document);
  state.plan = { ...factsOfPlan(queryPlan), query, shortLived };
};

/** Notes whether the answer is one result without errors (only such answers are public or kept). */
export function answerPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.cache) contextValue.cache.clean = response.body.kind === 'single' && !response.body.singleResult.errors;
        },
      };
    },
  };
}

export interface PublicResponsesOptions {
  /** The response cache, or undefined when RESPONSE_CACHE=off (Cache-Control is sent all the same). */
  cache: ResponseCache | undefined;
  /** Cache-Control max-age of public answers, short since shared HTTP caches cannot be invalidated; 0: every answer is private, no-store. */
  httpMaxAgeS: number;
  /** ...and of public answers that select stock (at most how long they live in the cache). */
  stockMaxAgeS: number;
  onInvalidationFailure: (error: unknown) => void;
}

/**
 * Apollo Server with the gateway's handling of public reads around each HTTP GraphQL request:
 * - an anonymous request whose lookup (started when it arrived, GatewayContext.cache) found a fresh entry was
 *   answered from it before reaching Apollo (answerFromCache);
 * - after a mutation sent to a cached domain's subgraph, the domain's generation is bumped before the answer
 *   leaves, so the next read on any replica misses;
 * - a public answer (anonymous, a query reading only cached domains, no errors, HTTP 200) gets
 *   `public, max-age=N` and is kept; every other answer gets `private, no-store`.
 */
export class PublicResponsesApolloServer extends ApolloServer<GatewayContext> {
  private publicResponses: PublicResponsesOptions = { cache: undefined, httpMaxAgeS: 0, stockMaxAgeS: 0, onInvalidationFailure: () => undefined };

  withPublicResponses(opts: PublicResponsesOptions): this {
    this.publicResponses = opts;
    return this;
  }

  override async executeHTTPGraphQLRequest(args: { httpGraphQLRequest: HTTPGraphQLRequest; context: ContextThunk<GatewayContext> }): Promise<HTTPGraphQLResponse> {
    const { cache, httpMaxAgeS, stockMaxAgeS, onInvalidationFailure } = this.publicResponses;
    const context = await args.context();
    const state = (context.cache ??= { anonymous: false });
    // A hit was answered by answerFromCache before Apollo was called: what is left here is a miss.
    const lookup = state.lookup && (await state.lookup);
    if (lookup) cache?.countMiss();
    const result = await super.executeHTTPGraphQLRequest({ httpGraphQLRequest: args.httpGraphQLRequest, context: async () => context });
    const plan = state.plan;
    if (cache && plan && plan.writes.size > 0) {
      // The mutation ran (or may have): whatever it changed must not be served from the cache after this answer.
      await cache.invalidate(plan.writes, 'mutation').catch(onInvalidationFailure);
    }
    const isPublic = state.anonymous && isPublicPlan(plan) && state.clean === true && (result.status ?? 200) === 200 && result.body.kind === 'complete';
    if (!plan || !isPublic || result.body.kind !== 'complete') {
      setCacheControl(result.headers, 0);
      return result;
    }
    const maxAgeS = plan.shortLived ? Math.min(httpMaxAgeS, stockMaxAgeS) : httpMaxAgeS;
    setCacheControl(result.headers, maxAgeS);
    if (cache && state.key !== undefined && lookup?.kind === 'miss') {
      await cache.remember(state.key, lookup, plan, { body: result.body.string, contentType: result.headers.get('content-type') ?? 'application/json; charset=utf-8', maxAgeS });
    }
    return result;
  }
}

/**
 * Answers an anonymous request whose lookup found a fresh entry, from the gateway's context callback: before the
 * HTTP layer parses the body or Apollo sees the request (docs/performance.md, "Public response cache"). False when
 * the request is to go on to Apollo (no lookup, a miss, the store unavailable).
 */
export async function answerFromCache(res: http.ServerResponse, state: CacheRequestState, cache: ResponseCache): Promise<boolean> {
  const lookup: Lookup | undefined = state.lookup && (await state.lookup);
  if (lookup?.kind !== 'hit') return false;
  cache.countHit();
  res.writeHead(200, { 'content-type': lookup.contentType, 'content-length': Buffer.byteLength(lookup.body), ...cacheControl(lookup.maxAgeS) });
  res.end(lookup.body);
  return true;
}

/** `public, max-age=N` (with Vary) for a public answer that may be kept N > 0 seconds; `private, no-store` otherwise. */
function cacheControl(publicMaxAgeS: number): Record<string, string> {
  return publicMaxAgeS > 0 ? { 'cache-control': `public, max-age=${publicMaxAgeS}`, vary: PUBLIC_VARY } : { 'cache-control': PRIVATE_CACHE_CONTROL };
}

function setCacheControl(headers: HeaderMap, publicMaxAgeS: number): void {
  for (const [k, v] of Object.entries(cacheControl(publicMaxAgeS))) headers.set(k, v);
}
