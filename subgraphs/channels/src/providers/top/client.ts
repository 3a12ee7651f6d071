import { formatGmt8 } from '../../domain/gmt8-time';
import { member, text, type LosslessJson } from '../../domain/lossless-json';
import { postForm, ProviderCallError, readAnswer } from '../provider-error';
import { topSign, type TopSignMethod } from './sign';

/** What a TOP call needs of a TMALL connection. */
export interface TopCredentials {
  /** The connection's apiBaseUrl: the router URL (…/router/rest), or a host to which /router/rest is added. */
  apiBaseUrl: string;
  appKey: string;
  appSecret: string;
  /** The seller's session (access token). */
  session: string;
  signMethod: TopSignMethod;
}

/** TOP error codes a retry may cure: App Call Limited (7), Service Currently Unavailable (10), remote service errors. */
const RETRYABLE_CODES = new Set(['7', '10', '15', '520']);
/** Invalid signature, missing or invalid session, missing or invalid app key. */
const CREDENTIAL_CODES = new Set(['25', '26', '27', '28', '29']);

export function topRouterUrl(apiBaseUrl: string): string {
  const url = new URL(apiBaseUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/router/rest';
  return url.toString();
}

/**
 * One signed call to the TOP router (docs/channel-order-pulls.md): the system parameters (method, app_key, session,
 * timestamp in GMT+8, format json, v 2.0, sign_method) with the business ones, signed, POSTed as a form; the answer
 * parsed without losing digits. An `error_response` becomes a ProviderCallError by its code and sub_code.
 */
export async function callTop(creds: TopCredentials, method: string, business: Record<string, string>, opts: { now?: Date; timeoutMs?: number } = {}): Promise<LosslessJson> {
  const params: Record<string, string> = {
    ...business,
    method,
    app_key: creds.appKey,
    session: creds.session,
    timestamp: formatGmt8(opts.now ?? new Date()),
    format: 'json',
    v: '2.0',
    sign_method: creds.signMethod,
  };
  params.sign = topSign(params, creds.appSecret, creds.signMethod);
  const body = await postForm(topRouterUrl(creds.apiBaseUrl), params, opts.timeoutMs ?? 15_000);
  return readAnswer(body, `TOP ${method}`, (error) => {
    const code = text(member(error, 'code')) ?? '';
    const sub = text(member(error, 'sub_code')) ?? '';
    const msg = [text(member(error, 'msg')), sub, text(member(error, 'sub_msg'))].filter(Boolean).join(' / ');
    const kind = RETRYABLE_CODES.has(code) || sub.startsWith('isp.') || sub.includes('limited') ? 'RETRYABLE' : CREDENTIAL_CODES.has(code) ? 'CREDENTIALS' : 'REJECTED';
    return new ProviderCallError(kind, code, `TOP ${method} refused: code ${code}${msg ? ` (${msg})` : ''}`);
  });
}
