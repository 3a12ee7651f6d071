import type { Logger } from 'pino';
import { unhandledRejections } from './metrics';

/**
 * What a service process does with a fault no code caught (docs/architecture.md §9, "Faults nobody caught"):
 * - a promise that failed with nobody awaiting it is logged at error level with its stack and counted
 *   (`process_unhandled_rejections_total`); the process keeps serving the requests it is handling, since nothing
 *   it holds was left half-changed by a promise nobody waited for;
 * - an exception thrown outside any promise may have left any state half-changed: it is logged (fatal, with its
 *   stack, as one JSON line like every other) and the process exits 1, for its supervisor to restart it.
 */
export function processFaultHandlers(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)) {
  return {
    unhandledRejection(reason: unknown): void {
      unhandledRejections.inc();
      logger.error({ err: reason }, 'a promise failed with nobody awaiting it (a bug); the service keeps running');
    },
    uncaughtException(err: Error): void {
      logger.fatal({ err }, 'uncaught exception; exiting');
      exit(1);
    },
  };
}

/** Installs processFaultHandlers on this process (a subgraph's runSubgraphMain, the gateway's main). */
export function watchProcessFaults(logger: Logger): void {
  const handlers = processFaultHandlers(logger);
  process.on('unhandledRejection', handlers.unhandledRejection);
  process.on('uncaughtException', handlers.uncaughtException);
}
