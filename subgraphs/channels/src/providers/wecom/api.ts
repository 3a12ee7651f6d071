import { ProviderCallError } from '../provider-error';

// WeCom (企业微信) server API (issue 19; docs/events.md, members.guide.handover): an access_token from corpid and the
// app's secret (GET /cgi-bin/gettoken), cached until it expires and fetched again when WeCom says it is invalid
// (40014) or expired (42001); every other call carries it as ?access_token=.

/** What a WeCom call needs of a WECOM connection. */
export interface WecomAccount {
  connectionId: string;
  corpId: string;
  corpSecret: string;
  /** The connection's apiBaseUrl, e.g. https://qyapi.weixin.qq.com. */
  baseUrl: string;
}

/** WeCom's answer envelope. */
export type WecomAnswer = Record<string, unknown> & { errcode?: number; errmsg?: string };

/** errcodes that mean the token is not (or no longer) good. */
const TOKEN_ERRCODES = new Set([40014, 42001]);
/** errcodes that trying again later can change: system busy, API frequency limits. */
const RETRYABLE_ERRCODES = new Set([-1, 45009, 45033, 45011]);
/** A token is used until this long before WeCom's expires_in runs out. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * The access tokens of this process by connection and secret (a rotated secret fetches a new one). Tokens stay in
 * memory only: they are credentials, and WeCom hands the same valid token to every replica that asks.
 */
export class WecomTokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  /** How many tokens were fetched (tests read it). */
  fetched = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async token(account: WecomAccount): Promise<string> {
    const key = cacheKey(account);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now()) return cached.token;
    const running = this.inflight.get(key);
    if (running) return running;
    const fetching = this.fetch(account, key).finally(() => this.inflight.delete(key));
    this.inflight.set(key, fetching);
    return fetching;
  }

  /** Forgets the token WeCom refused (only when it is still the cached one, so a fresh one is not thrown away). */
  invalidate(account: WecomAccount, token: string): void {
    const key = cacheKey(account);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  private async fetch(account: WecomAccount, key: string): Promise<string> {
    const url = new URL('/cgi-bin/gettoken', account.baseUrl);
    url.searchParams.set('corpid', account.corpId);
    url.searchParams.set('corpsecret', account.corpSecret);
    const answer = await getJson(url, 'gettoken');
    this.fetched++;
    if (answer.errcode !== 0 || typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number') {
      const code = String(answer.errcode);
      throw new ProviderCallError(RETRYABLE_ERRCODES.has(Number(answer.errcode)) ? 'RETRYABLE' : 'CREDENTIALS', code, `WeCom gettoken answered ${code} ${String(answer.errmsg ?? '')}`);
    }
    this.tokens.set(key, { token: answer.access_token, expiresAt: this.now() + answer.expires_in * 1000 });
    return answer.access_token;
  }
}

function cacheKey(account: WecomAccount): string {
  return `${account.connectionId}\u0000${account.corpId}\u0000${account.corpSecret}`;
}

/**
 * POSTs a JSON body to a WeCom API with the cached token; a token WeCom refuses (40014, 42001) is fetched again
 * and the call made once more. Returns the answer when errcode is 0; a passing failure (-1 busy, frequency limits,
 * no answer) is a retryable ProviderCallError, any other errcode one that is not retryable.
 */
export async function callWecom(cache: WecomTokenCache, account: WecomAccount, path: string, body: unknown): Promise<WecomAnswer> {
  for (let attempt = 0; ; attempt++) {
    const token = await cache.token(account);
    const url = new URL(path, account.baseUrl);
    url.searchParams.set('access_token', token);
    const answer = await postJson(url, path, body);
    const errcode = Number(answer.errcode ?? 0);
    if (TOKEN_ERRCODES.has(errcode) && attempt === 0) {
      cache.invalidate(account, token);
      continue;
    }
    if (errcode === 0) return answer;
    throw new ProviderCallError(RETRYABLE_ERRCODES.has(errcode) || TOKEN_ERRCODES.has(errcode) ? 'RETRYABLE' : 'REJECTED', String(errcode), `WeCom ${path} answered ${errcode} ${String(answer.errmsg ?? '')}`);
  }
}

async function getJson(url: URL, what: string): Promise<WecomAnswer> {
  return send(url, what, { method: 'GET' });
}

async function postJson(url: URL, what: string, body: unknown): Promise<WecomAnswer> {
  return send(url, what, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function send(url: URL, what: string, init: RequestInit): Promise<WecomAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new ProviderCallError('RETRYABLE', 'TRANSPORT', `WeCom ${what} did not answer: ${(e as Error).message}`);
  }
  if (res.status !== 200) throw new ProviderCallError('RETRYABLE', `HTTP_${res.status}`, `WeCom ${what} answered HTTP ${res.status}`);
  try {
    const v = (await res.json()) as unknown;
    if (v && typeof v === 'object') return v as WecomAnswer;
  } catch {
    // fall through
  }
  throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `WeCom ${what} answered something that is not a JSON object`);
}
