import crypto from 'node:crypto';
import { ProviderCallError } from '../provider-error';

// Outbound calls to WeChat Pay API v3 (issue 19; docs/events.md, Refunds): every request carries
// `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,serial_no=…`, the signature
// being SHA256withRSA with the merchant API key over `METHOD\nURL\ntimestamp\nnonce\nbody\n` (URL: path and query).
// Answers are signed by WeChat Pay the way notifications are (`timestamp\nnonce\nbody\n`, key chosen by
// Wechatpay-Serial) and verified before they are believed.

/** What an outbound WeChat Pay call needs of a WECHAT_PAY connection. */
export interface WechatPayAccount {
  mchid: string;
  /** The connection's apiBaseUrl, e.g. https://api.mch.weixin.qq.com. */
  baseUrl: string;
  merchantPrivateKey: string;
  merchantCertSerial: string;
  /** The platform public keys by serial (Wechatpay-Serial) that verify the answers. */
  platformKeys: ReadonlyArray<{ serial: string; publicKey: string }>;
}

/** The message a request is signed over. */
export function wechatpayRequestMessage(method: string, urlPath: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${urlPath}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** The Authorization header of one request. */
export function wechatpayAuthorization(
  account: Pick<WechatPayAccount, 'mchid' | 'merchantPrivateKey' | 'merchantCertSerial'>,
  req: { method: string; urlPath: string; body: string; timestamp: string; nonce: string },
): string {
  const signature = crypto.sign('sha256', Buffer.from(wechatpayRequestMessage(req.method, req.urlPath, req.timestamp, req.nonce, req.body), 'utf8'), account.merchantPrivateKey).toString('base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${account.mchid}",nonce_str="${req.nonce}",signature="${signature}",timestamp="${req.timestamp}",serial_no="${account.merchantCertSerial}"`;
}

/** The answer's signature check: the platform key of Wechatpay-Serial over `timestamp\nnonce\nbody\n`. */
export function verifyWechatpayAnswer(platformKeys: WechatPayAccount['platformKeys'], headers: Headers, body: string): boolean {
  const serial = headers.get('wechatpay-serial');
  const timestamp = headers.get('wechatpay-timestamp');
  const nonce = headers.get('wechatpay-nonce');
  const signature = headers.get('wechatpay-signature');
  const key = platformKeys.find((k) => k.serial === serial);
  if (!key || !timestamp || !nonce || !signature) return false;
  return crypto.verify('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`, 'utf8'), key.publicKey, Buffer.from(signature, 'base64'));
}

/** An answer of WeChat Pay: the HTTP status and the JSON body (an error body is `{ code, message }`). */
export interface WechatPayAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One signed call. Answers 2xx and 4xx are returned when their signature verifies (the caller reads the business
 * result or error code); no answer, a 5xx, or an answer whose signature fails is a retryable ProviderCallError.
 */
export async function callWechatPay(account: WechatPayAccount, method: 'GET' | 'POST', urlPath: string, payload?: unknown, opts: { timeoutMs?: number } = {}): Promise<WechatPayAnswer> {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(16).toString('hex').toUpperCase();
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: wechatpayAuthorization(account, { method, urlPath, body, timestamp, nonce }),
  };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(new URL(urlPath, account.baseUrl), { method, headers, body: payload === undefined ? undefined : body, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  } catch (e) {
    throw new ProviderCallError('RETRYABLE', 'TRANSPORT', `WeChat Pay ${method} ${urlPath} did not answer: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (res.status >= 500) throw new ProviderCallError('RETRYABLE', codeOf(text) ?? `HTTP_${res.status}`, `WeChat Pay ${method} ${urlPath} answered HTTP ${res.status}`);
  if (!verifyWechatpayAnswer(account.platformKeys, res.headers, text)) {
    throw new ProviderCallError('RETRYABLE', 'BAD_SIGNATURE', `WeChat Pay ${method} ${urlPath} answer (HTTP ${res.status}) failed signature verification`);
  }
  let parsed: unknown = {};
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `WeChat Pay ${method} ${urlPath} answered something that is not JSON`);
    }
  }
  return { status: res.status, body: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {} };
}

function codeOf(text: string): string | null {
  try {
    const v = JSON.parse(text) as { code?: unknown };
    return typeof v.code === 'string' ? v.code : null;
  } catch {
    return null;
  }
}
