import crypto from 'node:crypto';
import { ProviderCallError } from '../provider-error';

// Outbound calls to the Alipay open platform (docs/events.md, Refunds; issue 19: "Outbound requests are RSA2-signed
// with the merchant key to a configurable gateway URL"). Production code signs with node:crypto only.

/** What an outbound Alipay call needs of an ALIPAY connection. */
export interface AlipayAccount {
  appId: string;
  /** The connection's apiBaseUrl: the gateway, e.g. https://openapi.alipay.com/gateway.do. */
  gatewayUrl: string;
  /** The app private key (PEM) that signs requests (RSA2). */
  appPrivateKey: string;
  /** Alipay's public key (PEM) that verifies the answers. */
  alipayPublicKey: string;
}

/**
 * The content an outgoing request is signed over: every parameter except `sign`, empty values left out, sorted by
 * key (byte order), joined `k=v` with `&`, values as sent (not URL-encoded).
 */
export function alipayRequestSignContent(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** RSA2: SHA256withRSA (PKCS#1 v1.5) over the sign content, base64. */
export function signAlipayRequest(params: Readonly<Record<string, string>>, appPrivateKey: string): string {
  return crypto.sign('sha256', Buffer.from(alipayRequestSignContent(params), 'utf8'), appPrivateKey).toString('base64');
}

/** Alipay's `timestamp` parameter: `yyyy-MM-dd HH:mm:ss` in GMT+8. */
export function alipayTimestamp(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}

/** Alipay's answer times (`gmt_refund_pay`, `yyyy-MM-dd HH:mm:ss`, GMT+8) as ISO 8601; null when absent or unreadable. */
export function fromAlipayTime(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const ms = Date.parse(`${value.replace(' ', 'T')}+08:00`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The form an API call posts: the common parameters, biz_content as JSON, and the sign. */
export function alipayRequestParams(account: Pick<AlipayAccount, 'appId' | 'appPrivateKey'>, method: string, bizContent: unknown, at: Date): Record<string, string> {
  const params: Record<string, string> = {
    app_id: account.appId,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: alipayTimestamp(at),
    version: '1.0',
    biz_content: JSON.stringify(bizContent),
  };
  params.sign = signAlipayRequest(params, account.appPrivateKey);
  return params;
}

/**
 * The raw text of the JSON value under `key` in a JSON object text, as the provider sent it: Alipay signs the bytes of
 * the `<method>_response` node, so verifying must not re-serialize it. Null when the key is not a top-level member.
 */
export function rawJsonMember(text: string, key: string): string | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      if (depth === 1 && text.slice(i + 1, end) === key) {
        let j = end + 1;
        while (/\s/.test(text[j] ?? '')) j++;
        if (text[j] !== ':') return null;
        j++;
        while (/\s/.test(text[j] ?? '')) j++;
        return text.slice(j, endOfValue(text, j));
      }
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return null;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function endOfValue(text: string, start: number): number {
  if (text[start] === '"') return endOfString(text, start) + 1;
  if (text[start] !== '{' && text[start] !== '[') {
    let i = start;
    while (i < text.length && !/[,}\]\s]/.test(text[i]!)) i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = endOfString(text, i);
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** What an Alipay API answered: the response node (code, msg, sub_code, sub_msg and the method's fields). */
export type AlipayResponse = Record<string, unknown> & { code?: string; msg?: string; sub_code?: string; sub_msg?: string };

/**
 * Calls an Alipay API method: posts the signed form to the gateway and returns its response node once Alipay's sign
 * over the node's raw text verifies with Alipay's public key. A transport failure, a non-200 answer, an unsigned or
 * badly signed answer is a retryable ProviderCallError (the request is idempotent by its out_request_no or out_biz_no).
 */
export async function callAlipay(account: AlipayAccount, method: string, bizContent: unknown, opts: { timeoutMs?: number; now?: Date } = {}): Promise<AlipayResponse> {
  const params = alipayRequestParams(account, method, bizContent, opts.now ?? new Date());
  let res: Response;
  try {
    res = await fetch(account.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (e) {
    throw new ProviderCallError('RETRYABLE', 'TRANSPORT', `Alipay ${method} did not answer: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new ProviderCallError('RETRYABLE', `HTTP_${res.status}`, `Alipay ${method} answered HTTP ${res.status}`);
  const nodeName = `${method.replace(/\./g, '_')}_response`;
  const raw = rawJsonMember(text, nodeName) ?? rawJsonMember(text, 'error_response');
  let parsed: { sign?: unknown };
  try {
    parsed = JSON.parse(text) as { sign?: unknown };
  } catch {
    throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `Alipay ${method} answered something that is not JSON`);
  }
  if (raw === null) throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `Alipay ${method} answered without ${nodeName}`);
  const node = JSON.parse(raw) as AlipayResponse;
  if (typeof parsed.sign !== 'string' || !crypto.verify('sha256', Buffer.from(raw, 'utf8'), account.alipayPublicKey, Buffer.from(parsed.sign, 'base64'))) {
    // Alipay leaves its gateway errors unsigned (it could not check our request, so it did nothing with it): such a
    // refusal is believed as a refusal of this request. Nothing else unsigned is believed; it is tried again later.
    const refused = gatewayRefusal(node);
    if (refused) throw new ProviderCallError(refused, alipayCode(node), `Alipay ${method} refused the request at its gateway (unsigned answer) ${alipayCode(node)}: ${String(node.sub_msg ?? node.msg ?? '')}`);
    throw new ProviderCallError('RETRYABLE', 'BAD_SIGNATURE', `Alipay ${method} answer failed signature verification (code ${String(node.code)} ${String(node.sub_code ?? '')})`);
  }
  return node;
}

/** `code sub_code` of an answer, e.g. `40002 isv.invalid-signature`. */
export const alipayCode = (answer: AlipayResponse): string => `${String(answer.code)} ${String(answer.sub_code ?? '')}`.trim();

/**
 * Alipay's public gateway errors that refuse the request itself, before any business effect, so sending the same
 * request again is refused again: 40001 (a required parameter missing), 40002 (an invalid parameter: signature,
 * app_id, charset, format…), 40006 and 20001 (the app lacks the permission or the auth token). CREDENTIALS when the
 * app's keys, id or rights are at fault (an admin fixes them with rotateChannelSecret), else REJECTED; null for
 * anything else. isv.invalid-timestamp is left out: it is our clock, and the next attempt carries a new timestamp.
 */
export function gatewayRefusal(answer: AlipayResponse): 'CREDENTIALS' | 'REJECTED' | null {
  const sub = String(answer.sub_code ?? '');
  if (answer.code === '40006' || answer.code === '20001') return 'CREDENTIALS';
  if (answer.code === '40001') return 'REJECTED';
  if (answer.code !== '40002' || sub === 'isv.invalid-timestamp') return null;
  return /signature|app-id|app_id|encrypt|sign-type|auth/i.test(sub) ? 'CREDENTIALS' : 'REJECTED';
}
