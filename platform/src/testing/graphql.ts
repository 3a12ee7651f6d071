import { signViewer, REQUEST_ID_HEADER, VIEWER_HEADER, type SignedRequest } from '../auth/viewer-header';
import { makeViewer, type Viewer, type ViewerRole } from '../auth/viewer';

export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789';

export interface GqlResponse<D = Record<string, unknown>> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Viewer headers whose signature waits for the request (signedHeaders without a request): postGraphQL
 * signs them over the body it sends. The marker in x-viewer names the entry; it is no valid signature.
 */
const toSign = new Map<string, { viewer: Viewer; secret: string; nowMs: number }>();
const TO_SIGN = /^to-sign:(\d+)$/;
let toSignSeq = 0;

/** The headers with a deferred viewer signature (signedHeaders) signed for this request. */
export function signForRequest(headers: Record<string, string>, request: SignedRequest): Record<string, string> {
  const marker = TO_SIGN.exec(headers[VIEWER_HEADER] ?? '');
  if (!marker) return headers;
  const entry = toSign.get(marker[1]!);
  if (!entry) throw new Error(`unknown deferred viewer signature ${headers[VIEWER_HEADER]}`);
  return { ...headers, [VIEWER_HEADER]: signViewer(entry.viewer, entry.secret, request, entry.nowMs) };
}

/**
 * POSTs a GraphQL request to a subgraph (signed as the gateway would: method POST, the URL's path, the
 * exact body bytes sent) or to the gateway (with a bearer token).
 */
export async function postGraphQL<D = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse<D>> {
  const body = JSON.stringify({ query, variables });
  const target = new URL(url);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signForRequest(headers, { method: 'POST', path: `${target.pathname}${target.search}`, body }) },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let parsed: Omit<GqlResponse<D>, 'status'> = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  return { status: res.status, ...parsed };
}

/**
 * Headers a subgraph accepts: the viewer signed with the internal secret, at `nowMs`, for one request.
 * Given the request (method, path, exact body), the signature is made now. Without it, x-viewer holds a
 * marker that postGraphQL (or signForRequest) turns into the signature over the request it sends, so
 * `postGraphQL(url, query, vars, signedHeaders(viewer))` is the gateway's call.
 */
export function signedHeaders(
  viewer: Partial<Viewer> & { role: ViewerRole },
  secret = TEST_INTERNAL_SECRET,
  nowMs = Date.now(),
  request?: SignedRequest,
): Record<string, string> {
  const v = makeViewer(viewer);
  let value: string;
  if (request) value = signViewer(v, secret, request, nowMs);
  else {
    const id = String(++toSignSeq);
    toSign.set(id, { viewer: v, secret, nowMs });
    value = `to-sign:${id}`;
  }
  return { [VIEWER_HEADER]: value, [REQUEST_ID_HEADER]: `test-${Math.random().toString(36).slice(2)}` };
}
