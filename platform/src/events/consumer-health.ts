import type { Logger } from 'pino';
import { eventConsumerFailingSeconds, eventConsumerFailures } from '../metrics';
import { OutageLog } from '../outage-log';
import type { ConsumerStep, EventEnvelope } from './transport';

/** A consumer failing for longer than this makes its subgraph's /readyz fail (check `events:<topic>`). */
export const DEFAULT_CONSUMER_STALLED_AFTER_MS = 60_000;

export interface ConsumerHealthOptions {
  topic: string;
  group: string;
  logger?: Logger | undefined;
  /** How long it may fail without a success in between before check() fails (default 60 s). */
  stalledAfterMs?: number;
  /** At most one log line per this many ms while failing (default one minute). */
  logEveryMs?: number;
  now?: () => number;
}

/**
 * Whether one consumer (a topic, a group) makes progress, from the outcome of each step its loop reports
 * (SubscribeOptions.onOutcome). It fails while its transport fails (a fetch or an ack: Redis down) or while
 * the handler fails on an event (the database down, an event it cannot apply); a successful fetch clears the
 * first, a handled event the second. One log line when it starts failing, with the cause; at most one a minute
 * while it keeps failing; one when it works again. `event_consumer_failures_total` and
 * `event_consumer_failing_seconds` follow it; check() is its /readyz check.
 */
export class ConsumerHealth {
  private transportFailing = false;
  private handlerFailing = false;
  private readonly outage: OutageLog;
  private readonly labels: { topic: string; group: string };
  private readonly stalledAfterMs: number;

  constructor(opts: ConsumerHealthOptions) {
    this.labels = { topic: opts.topic, group: opts.group };
    this.stalledAfterMs = opts.stalledAfterMs ?? DEFAULT_CONSUMER_STALLED_AFTER_MS;
    this.outage = new OutageLog({
      logger: opts.logger,
      fields: { topic: opts.topic, group: opts.group },
      messages: {
        down: 'event consumer cannot make progress; events wait',
        stillDown: 'event consumer still cannot make progress',
        up: 'event consumer making progress again',
      },
      repeatEveryMs: opts.logEveryMs,
      now: opts.now,
    });
    eventConsumerFailingSeconds.set(this.labels, 0);
  }

  /** SubscribeOptions.onOutcome. */
  readonly outcome = (step: ConsumerStep, error?: unknown, envelope?: EventEnvelope): void => {
    const failedStep = error !== undefined;
    if (step === 'handle') this.handlerFailing = failedStep;
    else this.transportFailing = failedStep;
    if (failedStep) {
      eventConsumerFailures.inc(this.labels);
      this.outage.failure(error, envelope ? { step, eventId: envelope.id } : { step });
    } else if (!this.transportFailing && !this.handlerFailing) {
      this.outage.success();
    }
    eventConsumerFailingSeconds.set(this.labels, this.outage.failingForMs / 1000);
  };

  get failing(): boolean {
    return this.outage.failing;
  }

  /** The /readyz check: fails once the consumer has been failing for longer than stalledAfterMs. */
  check(): true | string {
    const ms = this.outage.failingForMs;
    if (!this.outage.failing || ms <= this.stalledAfterMs) return true;
    return `no progress for ${Math.round(ms / 1000)} s: ${this.outage.cause ?? 'failing'}`;
  }
}
