import { formatGmt8 } from '../../domain/gmt8-time';
import { member, text, type LosslessJson } from '../../domain/lossless-json';
import { postForm, ProviderCallError, readAnswer } from '../provider-error';
import { jdSign } from './sign';

/** What a JOS call needs of a JD connection. */
export interface JdCredentials {
  /** The connection's apiBaseUrl: the router URL (…/routerjson), or a host to which /routerjson is added. */
  apiBaseUrl: string;
  appKey: string;
  appSecret: string;
  accessToken: string;
}

/** JOS gateway codes a retry may cure: App Call Limited (2) and the platform's own failures (1, 66, 67). */
const RETRYABLE_CODES = new Set(['1', '2', '66', '67']);
/** Invalid signature (12), invalid or expired access_token (19), invalid app key (16, 18). */
const CREDENTIAL_CODES = new Set(['12', '16', '18', '19']);

export function jdRouterUrl(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/routerjson';
  return url.toString();
}

/**
 * One signed JOS call (docs/channel-order-pulls.md): method, app_key, access_token, timestamp (GMT+8), v 2.0 and the
 * business parameters as one JSON string in 360buy_param_json, signed with md5; the answer parsed without losing digits.
 */
export async function callJd(creds: JdCredentials, method: string, business: Record<string, unknown>, opts: { now?: Date; timeoutMs?: number } = {}): Promise<LosslessJson> {
  const params: Record<string, string> = {
    method,
    app_key: creds.appKey,
    access_token: creds.accessToken,
    timestamp: formatGmt8(opts.now ?? new Date()),
    v: '2.0',
    '360buy_param_json': JSON.stringify(business),
  };
  params.sign = jdSign(params, creds.appSecret);
  const body = await postForm(jdRouterUrl(creds.apiBaseUrl), params, opts.timeoutMs ?? 15_000);
  return readAnswer(body, `JD ${method}`, (error) => {
    const code = text(member(error, 'code')) ?? '';
    const msg = text(member(error, 'en_desc')) ?? text(member(error, 'zh_desc')) ?? '';
    const kind = RETRYABLE_CODES.has(code) ? 'RETRYABLE' : CREDENTIAL_CODES.has(code) ? 'CREDENTIALS' : 'REJECTED';
    return new ProviderCallError(kind, code, `JD ${method} refused: code ${code}${msg ? ` (${msg})` : ''}`);
  });
}
