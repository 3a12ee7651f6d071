import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { DEADLINE_HEADER, REQUEST_ID_HEADER } from '@retail/platform';
import { bufferedResponse, ReceivedHeaders, signedPost } from './fetcher';

/** The body RemoteGraphQLDataSource sends for an unnamed entity fetch whose only variable is `$representations`. */
const ENTITY_BODY_HEAD = '{"query":"query($representations:[_Any!]!){_entities(representations:$representations){';
const ENTITY_FIELD = '_entities(representations:$representations)';

/** One entity fetch waiting for its batch, and its caller. */
interface Waiting {
  init: FetcherRequestInit;
  resolve(res: FetcherResponse): void;
  reject(e: unknown): void;
}

interface GraphQLError {
  path?: (string | number)[];
  [key: string]: unknown;
}

/** The selection set and representations of an entity fetch body, or undefined when it has any other shape. */
function entityFetch(body: string): { selection: string; representations: unknown[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { query, variables, ...rest } = parsed as { query?: unknown; variables?: unknown };
  if (Object.keys(rest).length > 0 || typeof query !== 'string' || typeof variables !== 'object' || variables === null) return undefined;
  const { representations, ...otherVariables } = variables as { representations?: unknown };
  if (Object.keys(otherVariables).length > 0 || !Array.isArray(representations)) return undefined;
  const start = query.indexOf(ENTITY_FIELD);
  if (start < 0 || !query.endsWith('}')) return undefined;
  return { selection: query.slice(start + ENTITY_FIELD.length, -1), representations };
}

/**
 * Batches the entity fetches one request sends one subgraph at the same moment (docs/architecture.md §3): the
 * query planner runs the fetches of a `Parallel` node together, e.g. `member.guide` and `member.homeStore`, both
 * `_entities` of the stores subgraph; they leave as one call, `_0:_entities(representations:$r0){…}
 * _1:_entities(representations:$r1){…}`, and each caller gets its own `_entities` back, with the errors of its alias
 * (path rewritten to `_entities`) and every error without one. Only fetches of one request (REQUEST_ID_HEADER) and
 * one viewer (the one the call is signed for) to one URL are batched, and only unnamed queries whose sole variable is
 * `$representations`; a batch of one goes out untouched. A failure, a non-2xx or non-JSON answer reaches every
 * caller of the batch as it is. The batch closes at the end of the current turn of the event loop (setImmediate).
 * `onJoined` hears of every call that rode in another's fetch (the gateway counts them apart).
 */
export function entityBatchingFetcher(fetcher: Fetcher, opts: { onJoined?: (init: FetcherRequestInit) => void } = {}): Fetcher {
  const open = new Map<string, { url: string; waiting: Waiting[] }>();
  const flush = (key: string) => {
    const batch = open.get(key);
    open.delete(key);
    if (batch) send(fetcher, batch.url, batch.waiting, opts.onJoined);
  };
  return (url: string, init: FetcherRequestInit = {}) => {
    const call = signedPost(init);
    const requestId = init.headers?.[REQUEST_ID_HEADER];
    if (!call || requestId === undefined || !call.body.startsWith(ENTITY_BODY_HEAD)) return fetcher(url, init);
    return new Promise<FetcherResponse>((resolve, reject) => {
      const key = `${url}\n${call.viewer}\n${requestId}`;
      let batch = open.get(key);
      if (!batch) {
        batch = { url, waiting: [] };
        open.set(key, batch);
        setImmediate(flush, key);
      }
      // Parsed only when the batch has company (send): a lone fetch goes out as it came.
      batch.waiting.push({ init, resolve, reject });
    });
  };
}

function send(fetcher: Fetcher, url: string, waiting: Waiting[], onJoined?: (init: FetcherRequestInit) => void): void {
  // Identical fetches (the same body: same selection, same representations) share one alias; each distinct body is
  // parsed once.
  const aliases = new Map<string, number>();
  const aliasOf: number[] = [];
  const distinct: { selection: string; representations: unknown[] }[] = [];
  if (waiting.length > 1) {
    for (const w of waiting) {
      const body = w.init.body as string;
      let alias = aliases.get(body);
      if (alias === undefined) {
        const fetch = entityFetch(body);
        if (!fetch) break;
        alias = distinct.push(fetch) - 1;
        aliases.set(body, alias);
      }
      aliasOf.push(alias);
    }
  }
  if (waiting.length === 1 || aliasOf.length < waiting.length) {
    for (const w of waiting) fetcher(url, w.init).then(w.resolve, w.reject);
    return;
  }
  const declarations = distinct.map((_, alias) => `$r${alias}:[_Any!]!`);
  const fields = distinct.map(({ selection }, alias) => `_${alias}:_entities(representations:$r${alias})${selection}`);
  const variables = Object.fromEntries(distinct.map(({ representations }, alias) => [`r${alias}`, representations]));
  const first = waiting[0]!.init;
  const headers: Record<string, string> = { ...(first.headers ?? {}) };
  const deadlines = waiting.map((w) => Number(w.init.headers?.[DEADLINE_HEADER])).filter((ms) => Number.isFinite(ms) && ms > 0);
  if (deadlines.length > 0) headers[DEADLINE_HEADER] = String(Math.min(...deadlines));
  const body = JSON.stringify({ query: `query(${declarations.join(',')}){${fields.join(' ')}}`, variables });
  for (const w of waiting.slice(1)) onJoined?.(w.init);
  fetcher(url, { ...first, headers, body }).then(
    async (res) => {
      const answers = await split(res, aliasOf);
      waiting.forEach((w, i) => w.resolve(answers[i]!));
    },
    (e: unknown) => {
      for (const w of waiting) w.reject(e);
    },
  );
}

/** Each caller's answer from the batch's: its alias as `_entities`; the whole answer to everyone when it is not plain JSON data. */
async function split(res: FetcherResponse, aliasOf: number[]): Promise<FetcherResponse[]> {
  const everyone = () => aliasOf.map(() => res.clone());
  if (!res.ok) return everyone();
  let answer: { data?: Record<string, unknown> | null; errors?: GraphQLError[]; extensions?: unknown };
  try {
    answer = JSON.parse(await res.clone().text()) as typeof answer;
  } catch {
    return everyone();
  }
  if (typeof answer !== 'object' || answer === null) return everyone();
  const headers = new ReceivedHeaders({});
  for (const [name, value] of res.headers) if (name.toLowerCase() !== 'content-length') headers.set(name, value);
  return aliasOf.map((alias) => {
    const own = `_${alias}`;
    const errors = (answer.errors ?? []).flatMap((e) => {
      const head = e.path?.[0];
      if (head === own) return [{ ...e, path: ['_entities', ...e.path!.slice(1)] }];
      return typeof head === 'string' && /^_\d+$/.test(head) ? [] : [e];
    });
    const data = answer.data == null ? answer.data : { _entities: answer.data[own] ?? null };
    const mine = { data, ...(errors.length > 0 ? { errors } : {}), ...(answer.extensions !== undefined ? { extensions: answer.extensions } : {}) };
    return bufferedResponse(res.url, res.status, res.statusText, headers, Buffer.from(JSON.stringify(mine)));
  });
}
