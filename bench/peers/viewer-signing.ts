// What a peer gateway (plain @apollo/gateway, Hive Gateway) needs so the subgraphs accept its calls, and nothing
// more: the caller's bearer token verified with the bench's JWT secret, as this project's gateway does
// (gateway/src/caller.ts), and each subgraph call signed over the bytes it sends (x-viewer, docs/architecture.md §4).
import { ANONYMOUS, createTokenVerifier, encodeViewer, signViewerPayload, VIEWER_HEADER, type Viewer } from '@retail/platform';

/** The header a peer's data source sets to the encoded viewer; the signing step replaces it by VIEWER_HEADER. */
export const PEER_VIEWER_HEADER = 'x-bench-viewer';

/** The caller of one request from its Authorization header: none is ANONYMOUS, a bad token throws. */
export function callerOf(jwtSecret: string): (authorization: string | null | undefined) => Promise<Viewer> {
  const verify = createTokenVerifier({ secret: jwtSecret });
  return async (authorization) => {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new Error('malformed Authorization header');
    return verify(match[1]!);
  };
}

/** The x-viewer value for one subgraph call of `viewer`: signed over the method, the URL's path and query and the body. */
export function signedViewerFor(encodedViewer: string, internalSecret: string, url: string, method: string, body: string | Uint8Array): string {
  const target = new URL(url);
  return signViewerPayload(encodedViewer, internalSecret, { method: method.toUpperCase(), path: `${target.pathname}${target.search}`, body });
}

export { encodeViewer, VIEWER_HEADER };

/** The supergraph with each subgraph's URL replaced by `urls[name]` (the bench's subgraph ports). */
export function withSubgraphUrls(supergraphSdl: string, urls: Record<string, string>): string {
  return supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g, (whole, name: string) => {
    const url = urls[name];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : whole;
  });
}
