import type { Logger } from 'pino';

/** An error as one log field: its message (and code), never a multi-line stack. */
export function causeOf(error: unknown): string {
  // Duck-typed: errors of another realm (node core's under jest) are not `instanceof Error` here.
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const code = 'code' in error ? error.code : undefined;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

export interface OutageLogOptions {
  logger?: Logger | undefined;
  /** Fields on every line (component, client, topic…). */
  fields?: Record<string, unknown>;
  /** The line when it starts failing, the reminder while it keeps failing, the line when it works again. */
  messages: { down: string; stillDown: string; up: string };
  /**
   * While failing, at most one reminder per this many ms (default one minute); and at most MAX_OUTAGES_LOGGED
   * outages are logged in such a window: a dependency flapping faster is summed up in the next line logged.
   */
  repeatEveryMs?: number;
  now?: () => number;
}

/** Outages logged (their down and up lines) within one repeatEveryMs window; more are only counted. */
const MAX_OUTAGES_LOGGED = 3;

/**
 * A dependency's (or a worker's) failures, logged once per state change: one line when it starts failing, with
 * the real cause; one when it works again, with how long it failed and how often; in between at most one
 * reminder per `repeatEveryMs`. Never a line per failure (a loop retrying twice a second would flood the log).
 */
export class OutageLog {
  private since: number | null = null;
  private failures = 0;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private loggedThisOutage = false;
  private outagesLoggedAt: number[] = [];
  private unlogged = 0;
  private lastCause: string | undefined;
  private lastUpAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly repeatEveryMs: number;

  constructor(private readonly opts: OutageLogOptions) {
    this.now = opts.now ?? Date.now;
    this.repeatEveryMs = opts.repeatEveryMs ?? 60_000;
  }

  get failing(): boolean {
    return this.since !== null;
  }

  /** How long it has been failing without a success in between (0 when it is not failing). */
  get failingForMs(): number {
    return this.since === null ? 0 : this.now() - this.since;
  }

  /** The last failure's cause (while failing). */
  get cause(): string | undefined {
    return this.since === null ? undefined : this.lastCause;
  }

  /**
   * Records a failure; logs only when it starts failing, or as the reminder. `startedAt`: when the failed
   * attempt began. One begun before the last recovery (a connect sent while the server was still starting)
   * tells nothing about now and starts no outage.
   */
  failure(error: unknown, fields: Record<string, unknown> = {}, startedAt?: number): void {
    if (this.since === null && startedAt !== undefined && startedAt < this.lastUpAt) return;
    const t = this.now();
    this.failures += 1;
    this.lastCause = causeOf(error);
    if (this.since === null) {
      this.since = t;
      this.outagesLoggedAt = this.outagesLoggedAt.filter((at) => t - at < this.repeatEveryMs);
      this.loggedThisOutage = this.outagesLoggedAt.length < MAX_OUTAGES_LOGGED;
      if (this.loggedThisOutage) {
        this.outagesLoggedAt.push(t);
        this.log('warn', this.opts.messages.down, { ...fields, cause: this.lastCause, ...this.flapping() }, t);
      } else {
        this.unlogged += 1;
      }
    } else if (t - this.lastLogAt >= this.repeatEveryMs) {
      this.loggedThisOutage = true;
      this.log('warn', this.opts.messages.stillDown, { ...fields, cause: this.lastCause, failingForS: Math.round((t - this.since) / 1000), failures: this.failures, ...this.flapping() }, t);
    }
  }

  /**
   * Records a success; logs when this ends an outage that was logged. `startedAt`: when the attempt began. One
   * begun before the outage (a statement a server answered as it was shutting down) does not end it.
   */
  success(fields: Record<string, unknown> = {}, startedAt?: number): void {
    if (this.since === null) return;
    if (startedAt !== undefined && startedAt < this.since) return;
    const t = this.now();
    this.lastUpAt = t;
    if (this.loggedThisOutage) this.log('info', this.opts.messages.up, { ...fields, failedForS: Math.round((t - this.since) / 100) / 10, failures: this.failures }, t);
    this.since = null;
    this.failures = 0;
    this.lastCause = undefined;
  }

  /** Outages since the last line that were too many to log one by one. */
  private flapping(): { unloggedOutages?: number } {
    const n = this.unlogged;
    this.unlogged = 0;
    return n > 0 ? { unloggedOutages: n } : {};
  }

  private log(level: 'warn' | 'info', msg: string, fields: Record<string, unknown>, t: number): void {
    this.lastLogAt = t;
    this.opts.logger?.[level]({ ...this.opts.fields, ...fields }, msg);
  }
}
