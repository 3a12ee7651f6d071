import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { callDeadlineMs, isQueryBody, signedPost, SubgraphTimeoutError } from './fetcher';

/** An identical subgraph call already on its way: its answer (or failure), shared by everyone who joined. */
interface InFlight {
  answer: Promise<FetcherResponse>;
}

/**
 * Coalesces identical in-flight subgraph queries (docs/architecture.md §3): a POST query whose subgraph URL,
 * exact body (query and variables) and viewer (the encoded viewer the call will be signed for, so two callers never
 * share an answer) equal those of a call still under way joins that call instead of sending its own; each caller
 * gets its own copy of the answer, and a failure of the shared call reaches every caller. A mutation, a call
 * without a viewer or with another method always goes out on its own. A caller that joins waits at most its own
 * deadline (DEADLINE_HEADER, else `timeoutMs`): then it fails with SubgraphTimeoutError, the shared call goes on.
 * `onJoined` hears of every call that was answered by another's fetch (the gateway counts them apart).
 */
export function coalescingFetcher(fetcher: Fetcher, opts: { timeoutMs: number; onJoined?: (init: FetcherRequestInit) => void }): Fetcher {
  const inFlight = new Map<string, InFlight>();
  return (url: string, init: FetcherRequestInit = {}) => {
    const call = signedPost(init);
    if (!call || !isQueryBody(call.body)) return fetcher(url, init);
    const key = `${url}\n${call.viewer}\n${call.body}`;
    const running = inFlight.get(key);
    if (running) {
      opts.onJoined?.(init);
      return joined(running.answer, callDeadlineMs(init, opts.timeoutMs));
    }
    const entry: InFlight = { answer: fetcher(url, init) };
    inFlight.set(key, entry);
    const done = () => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    };
    entry.answer.then(done, done);
    // Every caller, the first included, reads its own copy: the shared response stays unread.
    return entry.answer.then((res) => res.clone());
  };
}

function joined(answer: Promise<FetcherResponse>, deadlineMs: number): Promise<FetcherResponse> {
  return new Promise<FetcherResponse>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SubgraphTimeoutError(deadlineMs)), deadlineMs);
    answer.then(
      (res) => {
        clearTimeout(timer);
        resolve(res.clone());
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
