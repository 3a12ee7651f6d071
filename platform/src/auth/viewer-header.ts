import crypto from 'node:crypto';
import { viewerSchema, type Viewer } from './viewer';

/** The header the gateway signs and every subgraph verifies. */
export const VIEWER_HEADER = 'x-viewer';
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The HTTP request a viewer signature is bound to, exactly as it travels: a captured header is worth
 * nothing for another operation, another path or another method.
 */
export interface SignedRequest {
  /** The method, e.g. POST (compared in upper case). */
  method: string;
  /** The request target as sent: path and query string, e.g. `/graphql` or `/graphql?query=…`. */
  path: string;
  /** The exact body bytes (a string counts as its UTF-8 bytes); empty when there is none. */
  body: Uint8Array | string;
}

/** SHA-256 of the body bytes, base64url. */
export function bodyDigest(body: Uint8Array | string): string {
  return crypto.createHash('sha256').update(body).digest('base64url');
}

// value = base64url(JSON(viewer)) "." unix-seconds "." base64url(HMAC-SHA256(secret, canonical))
// canonical = "x-viewer/2" \n payload \n ts \n METHOD \n path \n base64url(SHA-256(body))
// Method, path and digest are not sent: the subgraph takes them from the request it received. No field
// can contain a newline (base64url, digits, an HTTP method and request target), so the form is unambiguous.
function mac(secret: string, payload: string, ts: string, request: SignedRequest): string {
  const canonical = ['x-viewer/2', payload, ts, request.method.toUpperCase(), request.path, bodyDigest(request.body)].join('\n');
  return crypto.createHmac('sha256', secret).update(canonical).digest('base64url');
}

/** The viewer as it travels in the header: base64url of its JSON. */
export function encodeViewer(v: Viewer): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

/** Signs an encoded viewer (encodeViewer) for one request. */
export function signViewerPayload(payload: string, secret: string, request: SignedRequest, nowMs: number = Date.now()): string {
  const ts = Math.floor(nowMs / 1000).toString();
  return `${payload}.${ts}.${mac(secret, payload, ts, request)}`;
}

/** The x-viewer value for one request: the viewer, the time, the method, the path and the body digest, signed. */
export function signViewer(v: Viewer, secret: string, request: SignedRequest, nowMs: number = Date.now()): string {
  return signViewerPayload(encodeViewer(v), secret, request, nowMs);
}

export type ViewerHeaderResult = { ok: true; viewer: Viewer } | { ok: false; reason: 'missing' | 'malformed' | 'bad-signature' | 'expired' };

/**
 * Checks the signature (constant time) against the request as received — a header made for another
 * body, path or method is a bad signature — and the timestamp (maxAge seconds, 5 s of clock skew ahead).
 */
export function verifyViewerHeader(value: string | undefined, secret: string, maxAgeS: number, request: SignedRequest, nowMs: number = Date.now()): ViewerHeaderResult {
  if (!value) return { ok: false, reason: 'missing' };
  const parts = value.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [payload, ts, sig] = parts as [string, string, string];
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, payload, ts, request));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  const age = Math.floor(nowMs / 1000) - Number(ts);
  if (age > maxAgeS || age < -5) return { ok: false, reason: 'expired' };
  try {
    const parsed = viewerSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return parsed.success ? { ok: true, viewer: parsed.data } : { ok: false, reason: 'malformed' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
