// Light, bounded load against the gateway for fault tests: N workers for a fixed time (or until stopped),
// each result classified, so a test can count what clients saw.

export type Outcome = 'ok' | 'graphql-error' | 'http-error' | 'cut';

export interface Sample {
  at: number;
  ms: number;
  status: number;
  outcome: Outcome;
  codes: string[];
  body?: unknown;
}

export interface LoadRun {
  samples: Sample[];
  stop(): Promise<Sample[]>;
}

/** One request: a network failure (reset, refused, aborted) is "cut"; a non-2xx "http-error". */
export async function send(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<Sample> {
  const at = Date.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const parsed = (await res.json().catch(() => ({}))) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    const codes = (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? ''));
    const outcome: Outcome = res.status >= 400 ? 'http-error' : codes.length ? 'graphql-error' : 'ok';
    return { at, ms: Date.now() - at, status: res.status, outcome, codes, body: parsed };
  } catch {
    return { at, ms: Date.now() - at, status: 0, outcome: 'cut', codes: [] };
  }
}

/** Runs `next()` requests on `workers` loops until stop() (or `maxMs`, a hard bound). */
export function startLoad(workers: number, next: (i: number) => Promise<Sample>, maxMs = 60_000): LoadRun {
  const samples: Sample[] = [];
  let running = true;
  const deadline = Date.now() + maxMs;
  let i = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running && Date.now() < deadline) samples.push(await next(i++));
  });
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

export const count = (samples: Sample[], outcome: Outcome) => samples.filter((s) => s.outcome === outcome).length;
