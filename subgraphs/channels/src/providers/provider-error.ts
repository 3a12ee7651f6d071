import { member, parseLosslessJson, type LosslessJson } from '../domain/lossless-json';

/**
 * A failed call to a channel provider. `kind` says what the pull makes of it: RETRYABLE (transport failure, 5xx, rate
 * limit: retried with backoff), CREDENTIALS (signature, app key or session refused: INVALID_CREDENTIALS) or REJECTED
 * (any other refusal: CHANNEL_REJECTED with the provider's code).
 */
export class ProviderCallError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly kind: 'RETRYABLE' | 'CREDENTIALS' | 'REJECTED',
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderCallError';
    this.retryable = kind === 'RETRYABLE';
  }
}

/** POSTs a form to a provider and returns the body; transport failures and 5xx answers are RETRYABLE. */
export async function postForm(url: string, form: Record<string, string>, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ProviderCallError('RETRYABLE', 'TRANSPORT', `cannot reach ${new URL(url).host}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = await res.text().catch(() => '');
  if (res.status >= 500 || res.status === 429) throw new ProviderCallError('RETRYABLE', `HTTP_${res.status}`, `provider answered HTTP ${res.status}`);
  if (res.status !== 200) throw new ProviderCallError('REJECTED', `HTTP_${res.status}`, `provider answered HTTP ${res.status}`);
  return body;
}

/**
 * A provider's answer parsed without losing digits; its `error_response` (TOP and JD both answer errors so, with HTTP
 * 200) becomes the error `refusal` makes of it. An answer that is no JSON is RETRYABLE.
 */
export function readAnswer(body: string, what: string, refusal: (error: LosslessJson) => ProviderCallError): LosslessJson {
  let json: LosslessJson;
  try {
    json = parseLosslessJson(body);
  } catch (err) {
    throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `${what} answered no JSON: ${(err as Error).message}`);
  }
  const error = member(json, 'error_response');
  if (error !== undefined) throw refusal(error);
  return json;
}
