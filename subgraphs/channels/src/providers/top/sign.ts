import crypto from 'node:crypto';

/** The two sign_method values TOP accepts for new apps (docs/channel-order-pulls.md). */
export type TopSignMethod = 'md5' | 'hmac-sha256';

/**
 * The string TOP signs: every parameter except `sign` (and file parameters, which this client never sends), sorted
 * by name, each name followed by its value, with no separators. A parameter whose value is empty is left out, as the
 * TOP SDKs do and the gateway expects.
 */
export function topSignBase(params: Readonly<Record<string, string | undefined | null>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== '' && params[k] != null && params[k] !== '')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
}

/** The request's `sign`: upper-case hex of md5(secret + base + secret), or of HMAC-SHA256 keyed by the secret over the base. */
export function topSign(params: Readonly<Record<string, string | undefined | null>>, secret: string, method: TopSignMethod): string {
  const base = topSignBase(params);
  const digest =
    method === 'md5'
      ? crypto.createHash('md5').update(`${secret}${base}${secret}`, 'utf8').digest('hex')
      : crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(base, 'utf8').digest('hex');
  return digest.toUpperCase();
}

/** Whether `params.sign` is the signature of the other parameters (constant time); the method is the request's sign_method. */
export function verifyTopSign(params: Readonly<Record<string, string | undefined | null>>, secret: string): boolean {
  const method = params.sign_method;
  const given = params.sign;
  if ((method !== 'md5' && method !== 'hmac-sha256') || typeof given !== 'string') return false;
  const expected = Buffer.from(topSign(params, secret, method), 'utf8');
  const actual = Buffer.from(given.toUpperCase(), 'utf8');
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}
