import os from 'node:os';
import crypto from 'node:crypto';
import { DEFAULT_DRAIN_TIMEOUT_MS, type ConsumerStep, type EventEnvelope, type EventHandler, type SubscribeOptions, type Subscription } from './transport';

export function defaultConsumerName(): string {
  return `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
}

export interface Delivery {
  envelope: EventEnvelope;
  ack(): Promise<void>;
}

export interface ConsumerLoopSource {
  /** Fetches the next deliveries; may wait (block or poll) for a while when there are none. */
  next(): Promise<Delivery[]>;
  /** Cuts a wait short when the loop is stopping. */
  interrupt(): void;
}

/**
 * The loop both transports share: fetch, run the handler, ack on success. Handlers of one batch run
 * one after the other, so one consumer keeps the order of its batch. stop() lets the event under way
 * finish and be acked (within drainTimeoutMs), then stops: no further event of the batch is started.
 */
export function runConsumerLoop(source: ConsumerLoopSource, handler: EventHandler, options: SubscribeOptions): Subscription {
  const onError = options.onError ?? (() => undefined);
  const onOutcome = options.onOutcome ?? (() => undefined);
  const failed = (step: ConsumerStep, e: unknown, envelope?: EventEnvelope) => {
    onOutcome(step, e, envelope);
    onError(e, envelope);
  };
  let running = true;
  let abandoned = false;
  const loop = (async () => {
    while (running) {
      let batch: Delivery[];
      try {
        batch = await source.next();
      } catch (e) {
        if (!running) break;
        failed('fetch', e);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      onOutcome('fetch');
      for (const d of batch) {
        if (abandoned) return;
        // Stopping: the event that was under way has been handled and acked; the rest of the batch is not
        // started. Unacked, it is handed out again after the visibility timeout (another replica, or a restart).
        if (!running) break;
        try {
          await handler(d.envelope);
        } catch (e) {
          failed('handle', e, d.envelope);
          continue;
        }
        onOutcome('handle', undefined, d.envelope);
        // A handler that outlived stop()'s drain timeout belongs to a "dead" consumer: its event is redelivered.
        if (abandoned) return;
        try {
          await d.ack();
          onOutcome('ack', undefined, d.envelope);
        } catch (e) {
          failed('ack', e, d.envelope);
        }
      }
    }
  })();
  return {
    async stop() {
      if (!running) return loop;
      running = false;
      source.interrupt();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        loop.then(() => true),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!drained) abandoned = true;
    },
  };
}
