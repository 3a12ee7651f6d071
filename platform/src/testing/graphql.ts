import { signViewer, REQUEST_ID_HEADER, VIEWER_HEADER } from '../auth/viewer-header';
import { makeViewer, type Viewer, type ViewerRole } from '../auth/viewer';

export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789';

export interface GqlResponse<D = Record<string, unknown>> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs a GraphQL request to a subgraph (signed as the gateway would) or to the gateway (with a bearer token). */
export async function postGraphQL<D = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let body: Omit<GqlResponse<D>, 'status'> = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, ...body };
}

/** Headers a subgraph accepts: the viewer signed with the internal secret. */
export function signedHeaders(viewer: Partial<Viewer> & { role: ViewerRole }, secret = TEST_INTERNAL_SECRET, nowMs = Date.now()): Record<string, string> {
  return { [VIEWER_HEADER]: signViewer(makeViewer(viewer), secret, nowMs), [REQUEST_ID_HEADER]: `test-${Math.random().toString(36).slice(2)}` };
}
