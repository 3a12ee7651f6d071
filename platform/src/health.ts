/**
 * What /readyz reports for one process: named readiness checks (the database, event consumers, the gateway's
 * subgraphs…) and whether the process has begun shutting down. Each part of a service adds its own check;
 * /readyz answers within `timeoutMs` whatever a check does (a check that has not answered by then fails).
 */
export type ReadinessCheck = () => Promise<true | string>;

export interface HealthReport {
  ready: boolean;
  draining: boolean;
  /** Each check: "ok" or why not. */
  checks: Record<string, string>;
}

export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  /** Adds (or replaces) a named check; the check says `true` or why the service is not ready. */
  add(name: string, check: ReadinessCheck): this {
    this.checks.set(name, check);
    return this;
  }

  /** From now on /readyz answers 503: load balancers stop sending new requests while in-flight ones finish. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async report(timeoutMs = 900): Promise<HealthReport> {
    const checks: Record<string, string> = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
        });
        try {
          const result = await Promise.race([check().catch((e: unknown) => (e instanceof Error ? e.message : String(e))), timeout]);
          checks[name] = result === true ? 'ok' : result;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = !this.draining && Object.values(checks).every((c) => c === 'ok');
    return { ready, draining: this.draining, checks };
  }
}
