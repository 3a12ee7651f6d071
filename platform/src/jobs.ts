import type { Logger } from 'pino';
import type { SubgraphDeps } from './service';

/**
 * A subgraph's background job (src/jobs/): run every `everyMs` on every replica. A job must be safe to
 * run twice and in parallel (FOR UPDATE SKIP LOCKED, or a lease in the database): nothing may assume a
 * single process (docs/architecture.md §9). What `run` returns is logged when any count is non-zero.
 */
export interface Job {
  name: string;
  everyMs: number;
  run(deps: SubgraphDeps): Promise<Record<string, number> | void>;
}

/**
 * Starts the jobs on timers. The stop function starts no new run and waits for the runs under way to finish
 * (at most `timeoutMs` when given; a run still going then is left to end on its own, it is safe to repeat).
 */
export function startJobs(jobs: readonly Job[], deps: SubgraphDeps, logger: Logger = deps.logger): (timeoutMs?: number) => Promise<void> {
  const running = new Set<Promise<void>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const run = job
        .run(deps)
        .then((counts) => {
          if (counts && Object.values(counts).some((n) => n !== 0)) logger.info({ job: job.name, ...counts }, `${job.name} done`);
        })
        .catch((err: unknown) => logger.error({ err, job: job.name }, `${job.name} failed`))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  return async (timeoutMs?: number) => {
    timers.forEach(clearInterval);
    const runs = Promise.all([...running]).then(() => true);
    if (timeoutMs === undefined) {
      await runs;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([runs, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!finished) logger.warn({ jobs: running.size, timeoutMs }, 'job runs still under way at shutdown; not waiting longer');
  };
}
