import crypto from 'node:crypto';

// Alipay's RSA2 signatures (SHA256withRSA over a parameter string, base64). Notifications are verified over every
// parameter but sign and sign_type, empty values kept (as Alipay's own SDKs verify them); requests we send are
// signed over their non-empty parameters but sign. Keys sorted by key (UTF-16 order, as Java's TreeMap), `k=v`
// joined with `&`, values as decoded once, never re-encoded.

const joinSorted = (entries: [string, string][]) =>
  entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

/** The content Alipay signed in an asynchronous notification. */
export function alipayNotifyContent(params: Readonly<Record<string, string>>): string {
  return joinSorted(Object.entries(params).filter(([k]) => k !== 'sign' && k !== 'sign_type'));
}

/** The content of a request we send to Alipay's gateway (sign_type included, empty values left out). */
export function alipayRequestContent(params: Readonly<Record<string, string>>): string {
  return joinSorted(Object.entries(params).filter(([k, v]) => k !== 'sign' && v !== ''));
}

/** RSA2: SHA256withRSA with the private key (PEM), base64. */
export function signRsa2(content: string, privateKeyPem: string): string {
  return crypto.sign('sha256', Buffer.from(content, 'utf8'), privateKeyPem).toString('base64');
}

/** Whether `signature` (base64) is RSA2 of `content` under the public key (PEM); a malformed key or signature is false. */
export function verifyRsa2(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return crypto.verify('sha256', Buffer.from(content, 'utf8'), publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * A form-encoded body (application/x-www-form-urlencoded) as its parameters, each value decoded once ('+' is a
 * space). Null for a body that is not one: a malformed escape or a parameter given twice.
 */
export function parseFormBody(body: Buffer): Record<string, string> | null {
  const out: Record<string, string> = {};
  const text = body.toString('utf8');
  if (text === '') return out;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return null;
    }
    if (Object.prototype.hasOwnProperty.call(out, key)) return null;
    out[key] = value;
  }
  return out;
}
