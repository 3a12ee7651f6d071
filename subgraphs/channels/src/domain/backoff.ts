/** How a provider call is retried (docs/channel-order-pulls.md). */
export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first retry waits between baseMs/2 and baseMs; each further one doubles, up to maxMs. */
  baseMs: number;
  maxMs: number;
}

export const PROVIDER_BACKOFF: BackoffPolicy = { attempts: 5, baseMs: 250, maxMs: 8_000 };

/**
 * The wait before retry number `retry` (1 = the first retry): exponential, capped, with "equal jitter" — half of the
 * step is fixed, half random — so parallel pullers spread out yet never retry at once.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** An error a retry may cure (a transport failure, a 5xx, a rate limit); anything else is thrown at once. */
export interface MaybeRetryable {
  retryable?: boolean;
}

const isRetryable = (err: unknown) => typeof err === 'object' && err !== null && (err as MaybeRetryable).retryable === true;

/** Runs `call` until it succeeds, a non-retryable error occurs, or the attempts are spent (the last error is thrown). */
export async function withBackoff<T>(
  call: (attempt: number) => Promise<T>,
  policy: BackoffPolicy = PROVIDER_BACKOFF,
  opts: { sleep?: (ms: number) => Promise<void>; random?: () => number; onRetry?: (err: unknown, delayMs: number) => void } = {},
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= policy.attempts) throw err;
      const delay = backoffDelay(attempt, policy, opts.random);
      opts.onRetry?.(err, delay);
      await sleep(delay);
    }
  }
}
