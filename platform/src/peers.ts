import fs from 'node:fs';
import path from 'node:path';
import { makeViewer } from './auth/viewer';
import { REQUEST_ID_HEADER, signViewer, VIEWER_HEADER } from './auth/viewer-header';
import { DEADLINE_HEADER, type RequestState } from './context';
import { graphqlError } from './errors';

/**
 * Calls from one subgraph to another's internal (@inaccessible) fields, as a signed SERVICE viewer
 * (docs/architecture.md §6): for a write that needs an answer now. Never call one inside a database
 * transaction (docs/architecture.md §8). A peer that cannot answer is SERVICE_UNAVAILABLE (retryable).
 */
export interface Peers {
  /** `request`: the request the call is made for (its id travels on, a failure is logged with it); none for background work. */
  query<D>(subgraph: string, query: string, variables?: Record<string, unknown>, request?: Pick<RequestState, 'requestId' | 'logger'>): Promise<D>;
}

/** Peers for one request (a subgraph's context): each call carries that request's id and logs with its logger. */
export function peersForRequest(peers: Peers, request: Pick<RequestState, 'requestId' | 'logger'>): Peers {
  return { query: (subgraph, query, variables) => peers.query(subgraph, query, variables, request) };
}

/** The supergraph the gateway serves; its join__graph URLs carry every subgraph's registered port. */
const SUPERGRAPH_FILE = path.resolve(__dirname, '../../schema/supergraph.graphql');

/**
 * Where a peer subgraph is: `urls[name]` (the test graph, `npm start`), else SUBGRAPH_URL_<NAME>, else
 * the URL the composed supergraph records for it.
 */
export function peerUrl(name: string, urls: Record<string, string> = {}, env: NodeJS.ProcessEnv = process.env, supergraphFile = SUPERGRAPH_FILE): string {
  const given = urls[name] ?? env[`SUBGRAPH_URL_${name.toUpperCase()}`];
  if (given) return given;
  const sdl = fs.existsSync(supergraphFile) ? fs.readFileSync(supergraphFile, 'utf8') : '';
  const m = new RegExp(`@join__graph\\(name: "${name}", url: "([^"]+)"\\)`).exec(sdl);
  if (!m?.[1]) throw new Error(`no URL for subgraph ${name}: set SUBGRAPH_URL_${name.toUpperCase()}`);
  return m[1];
}

export function createPeers(opts: { internalSecret: string; urls?: Record<string, string>; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Peers {
  const service = makeViewer({ role: 'SERVICE', subject: 'service' });
  return {
    async query<D>(subgraph: string, query: string, variables: Record<string, unknown> = {}, request?: Pick<RequestState, 'requestId' | 'logger'>): Promise<D> {
      const url = new URL(peerUrl(subgraph, opts.urls, opts.env));
      const timeoutMs = opts.timeoutMs ?? 3000;
      const body = JSON.stringify({ query, variables });
      const unavailable = (why: string) => graphqlError('SERVICE_UNAVAILABLE', `the ${subgraph} service ${why}; try again`, { retryable: true, serviceName: subgraph });
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [VIEWER_HEADER]: signViewer(service, opts.internalSecret, { method: 'POST', path: url.pathname + url.search, body }),
            [REQUEST_ID_HEADER]: request?.requestId ?? 'service',
            // The peer's database work stops a little before we stop waiting (docs/architecture.md §3, Deadlines).
            [DEADLINE_HEADER]: String(timeoutMs),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        throw unavailable('did not answer');
      }
      const parsed = (await res.json().catch(() => ({}))) as { data?: D; errors?: { message: string }[] };
      if (!res.ok || parsed.errors?.length || parsed.data === undefined) {
        request?.logger.warn({ subgraph, status: res.status, errors: parsed.errors?.map((e) => e.message) }, 'peer call failed');
        throw unavailable(`answered HTTP ${res.status}`);
      }
      return parsed.data;
    },
  };
}
