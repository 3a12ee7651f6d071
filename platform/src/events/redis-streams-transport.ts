import type Redis from 'ioredis';
import { createRedis } from '../redis';
import { defaultConsumerName, runConsumerLoop, type Delivery } from './consumer-loop';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_VISIBILITY_TIMEOUT_MS,
  type EventEnvelope,
  type EventHandler,
  type EventTransport,
  type SubscribeOptions,
  type Subscription,
} from './transport';

export interface RedisStreamsTransportOptions {
  /** A connection to use for XADD/XACK (not closed by close()); or a url to open one. */
  redis?: Redis;
  url?: string;
  /** Stream name = prefix + topic (tests use a random prefix). */
  prefix?: string;
  /** How long one XREADGROUP blocks; bounds how fast a stop is noticed when not interrupted. */
  blockMs?: number;
  /** Approximate cap on a stream's length (XADD MAXLEN ~). Must exceed what a slow group can lag behind. */
  maxLen?: number;
}

type StreamEntry = [id: string, fields: string[] | null];

function isStreamEntry(v: unknown): v is StreamEntry {
  return Array.isArray(v) && typeof v[0] === 'string' && (v[1] === null || Array.isArray(v[1]));
}

function entriesOf(reply: unknown): StreamEntry[] {
  return Array.isArray(reply) ? reply.filter(isStreamEntry) : [];
}

/** One stream's entries from XREADGROUP: `[[stream, entries]]` (RESP2) or `[stream, entries]` (a RESP3 map, flattened). */
function readGroupEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  if (typeof reply[0] === 'string') return entriesOf(reply[1]);
  const first: unknown = reply[0];
  return Array.isArray(first) ? entriesOf(first[1]) : [];
}

function envelopeOf(entry: StreamEntry): EventEnvelope | undefined {
  const fields = entry[1];
  if (!fields) return undefined; // trimmed from the stream while pending
  const i = fields.indexOf('envelope');
  const raw = i >= 0 ? fields[i + 1] : undefined;
  return raw === undefined ? undefined : (JSON.parse(raw) as EventEnvelope);
}

/**
 * Redis Streams: one stream per topic, one consumer group per subscribing group. XREADGROUP on a
 * dedicated blocking connection per subscription; entries left pending longer than the visibility
 * timeout (a consumer died, or its handler threw) are taken over with XAUTOCLAIM.
 */
export class RedisStreamsTransport implements EventTransport {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly prefix: string;
  private readonly blockMs: number;
  private readonly maxLen: number;
  private readonly subscriptions = new Set<Subscription>();

  constructor(opts: RedisStreamsTransportOptions) {
    if (opts.redis) {
      this.redis = opts.redis;
      this.ownsConnection = false;
    } else if (opts.url) {
      this.redis = createRedis(opts.url);
      this.ownsConnection = true;
    } else {
      throw new Error('RedisStreamsTransport needs a redis connection or url');
    }
    this.prefix = opts.prefix ?? 'events:';
    this.blockMs = opts.blockMs ?? 1000;
    this.maxLen = opts.maxLen ?? 1_000_000;
  }

  streamName(topic: string): string {
    return this.prefix + topic;
  }

  async publish(topic: string, envelope: EventEnvelope): Promise<void> {
    await this.redis.call('XADD', this.streamName(topic), 'MAXLEN', '~', this.maxLen, '*', 'id', envelope.id, 'envelope', JSON.stringify(envelope));
  }

  async subscribe(topic: string, group: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const stream = this.streamName(topic);
    const consumer = options.consumer ?? defaultConsumerName();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const visibilityMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
    try {
      // '0': a new group starts at the oldest entry, so events published before it subscribed are not lost.
      await this.redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
    } catch (e) {
      if (!String((e as Error).message).includes('BUSYGROUP')) throw e;
    }
    const blocking = this.redis.duplicate();
    let lastClaimAt = 0;
    let claimCursor = '0-0';
    const claimEveryMs = Math.max(100, Math.floor(visibilityMs / 2));

    const toDeliveries = (entries: StreamEntry[]): Delivery[] => {
      const out: Delivery[] = [];
      for (const entry of entries) {
        const id = entry[0];
        const ack = async () => {
          await this.redis.call('XACK', stream, group, id);
        };
        const envelope = envelopeOf(entry);
        // An entry trimmed away cannot be delivered: ack it so it leaves the pending list.
        if (envelope) out.push({ envelope, ack });
        else void ack().catch(() => undefined);
      }
      return out;
    };

    const loop = runConsumerLoop(
      {
        next: async () => {
          const now = Date.now();
          if (now - lastClaimAt >= claimEveryMs) {
            lastClaimAt = now;
            // reply: [next cursor, entries, deleted ids]; the cursor walks the pending list across calls.
            const claimed = await this.redis.call('XAUTOCLAIM', stream, group, consumer, visibilityMs, claimCursor, 'COUNT', batchSize);
            const entries = Array.isArray(claimed) ? entriesOf(claimed[1]) : [];
            claimCursor = Array.isArray(claimed) && typeof claimed[0] === 'string' ? claimed[0] : '0-0';
            if (entries.length > 0) return toDeliveries(entries);
          }
          const reply = await blocking.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', batchSize, 'BLOCK', this.blockMs, 'STREAMS', stream, '>');
          return toDeliveries(readGroupEntries(reply));
        },
        interrupt: () => blocking.disconnect(),
      },
      handler,
      options,
    );
    const sub: Subscription = {
      stop: async () => {
        await loop.stop();
        blocking.disconnect();
        this.subscriptions.delete(sub);
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.ownsConnection) this.redis.disconnect();
  }
}
