import type http from 'node:http';
import { ANONYMOUS, InvalidTokenError, type TokenVerifier, type Viewer } from '@retail/platform';

export type CallerResult = { ok: true; viewer: Viewer } | { ok: false; message: string };

/** The caller from the Authorization header: no header is ANONYMOUS, a bad token is refused (never downgraded). */
export async function identifyCaller(req: http.IncomingMessage, verify: TokenVerifier): Promise<CallerResult> {
  const header = req.headers.authorization;
  if (!header) return { ok: true, viewer: ANONYMOUS };
  const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header.trim());
  if (!match?.[1]) return { ok: false, message: 'Authorization must be "Bearer <JWT>"' };
  try {
    return { ok: true, viewer: await verify(match[1]) };
  } catch (e) {
    return { ok: false, message: e instanceof InvalidTokenError ? e.message : 'invalid token' };
  }
}

export function clientAddress(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
