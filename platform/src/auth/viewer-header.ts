import crypto from 'node:crypto';
import { viewerSchema, type Viewer } from './viewer';

/** The header the gateway signs and every subgraph verifies. */
export const VIEWER_HEADER = 'x-viewer';
export const REQUEST_ID_HEADER = 'x-request-id';

// value = base64url(JSON(viewer)) "." unix-seconds "." base64url(HMAC-SHA256(secret, payload "." ts))
function mac(secret: string, payload: string, ts: string): string {
  return crypto.createHmac('sha256', secret).update(`${payload}.${ts}`).digest('base64url');
}

export function signViewer(v: Viewer, secret: string, nowMs: number = Date.now()): string {
  const payload = Buffer.from(JSON.stringify(v)).toString('base64url');
  const ts = Math.floor(nowMs / 1000).toString();
  return `${payload}.${ts}.${mac(secret, payload, ts)}`;
}

export type ViewerHeaderResult = { ok: true; viewer: Viewer } | { ok: false; reason: 'missing' | 'malformed' | 'bad-signature' | 'expired' };

/** Checks the signature (constant time) and the timestamp (maxAge seconds, 5 s of clock skew ahead). */
export function verifyViewerHeader(value: string | undefined, secret: string, maxAgeS: number, nowMs: number = Date.now()): ViewerHeaderResult {
  if (!value) return { ok: false, reason: 'missing' };
  const parts = value.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [payload, ts, sig] = parts as [string, string, string];
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, payload, ts));
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
