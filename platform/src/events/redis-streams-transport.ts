import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { eventConsumerPending } from '../metrics';
import { causeOf } from '../outage-log';
import { createRedis, disconnectRedis, duplicateRedis, firstReady, redisError, REDIS_COMMAND_TIMEOUT_MS } from '../redis';
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
  /** Where connection state changes, recreated groups and republishing after a Redis restart are logged. */
  logger?: Logger;
  /**
   * How many of the events this process published last it keeps, to publish them again when Redis restarts
   * (a restarted Redis may have lost them before every group read them); 0 keeps none. Default 10,000.
   */
  replayLimit?: number;
  /** ...and for how long at most (default one hour). */
  replayMaxAgeMs?: number;
}

/** Until the first connection is up, a publish or a subscription waits this long for it (a process starting). */
const FIRST_CONNECT_WAIT_MS = 2000;
/** How often a consumer reads its group's lag and pending count (XINFO GROUPS) for event_consumer_pending_events. */
const PENDING_GAUGE_EVERY_MS = 5000;

/** The group is gone: NOGROUP, or (Redis 7) a blocked XREADGROUP woken by its stream or group being deleted. */
function isNoGroup(e: unknown): boolean {
  const cause = causeOf(e);
  return cause.startsWith('NOGROUP') || cause.startsWith('UNBLOCKED');
}

/** A group's undelivered lag plus delivered-unacked count from XINFO GROUPS (a list of maps, flattened or not). */
function pendingOf(reply: unknown, group: string): number | undefined {
  if (!Array.isArray(reply)) return undefined;
  for (const g of reply) {
    const fields = new Map<string, unknown>();
    if (Array.isArray(g)) for (let i = 0; i + 1 < g.length; i += 2) fields.set(String(g[i]), g[i + 1]);
    else if (g && typeof g === 'object') for (const [k, v] of Object.entries(g)) fields.set(k, v);
    if (String(fields.get('name')) !== group) continue;
    const pending = Number(fields.get('pending') ?? 0);
    const lag = fields.get('lag');
    return pending + (typeof lag === 'number' ? lag : 0);
  }
  return undefined;
}

interface Published {
  topic: string;
  id: string;
  json: string;
  at: number;
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
 *
 * Redis restarting empty (docs/architecture.md §6): a consumer whose group is gone (NOGROUP) creates it again
 * at the start of the (new) stream, id 0, never at `$`: every event published into the fresh stream is
 * delivered (the ones the outbox held back during the outage first), and events it had applied already are
 * skipped by processed_events. The publisher notices the restart (a new run_id) and publishes again the events
 * it published in the last hour (at most replayLimit), which a restarted Redis may have lost before every group
 * read them; consumers dedupe those too.
 */
export class RedisStreamsTransport implements EventTransport {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly ownsConnection: boolean;
  private readonly prefix: string;
  private readonly blockMs: number;
  private readonly maxLen: number;
  private readonly logger: Logger | undefined;
  private readonly replayLimit: number;
  private readonly replayMaxAgeMs: number;
  private readonly subscriptions = new Set<Subscription>();
  private readonly recent: Published[] = [];
  private runId: string | undefined;
  private replayOwed = false;
  private restartCheck: Promise<void> = Promise.resolve();
  private readonly onReady = () => {
    this.restartCheck = this.restartCheck.then(() => this.checkRestart());
  };

  constructor(opts: RedisStreamsTransportOptions) {
    this.logger = opts.logger;
    if (opts.redis) {
      this.redis = opts.redis;
      this.ownsConnection = false;
    } else if (opts.url) {
      this.redis = createRedis(opts.url, { name: 'events', logger: opts.logger });
      this.ownsConnection = true;
    } else {
      throw new Error('RedisStreamsTransport needs a redis connection or url');
    }
    this.prefix = opts.prefix ?? 'events:';
    this.blockMs = opts.blockMs ?? 1000;
    this.maxLen = opts.maxLen ?? 1_000_000;
    this.replayLimit = opts.replayLimit ?? 10_000;
    this.replayMaxAgeMs = opts.replayMaxAgeMs ?? 3_600_000;
    this.redis.on('ready', this.onReady);
    if (this.redis.status === 'ready') this.onReady();
  }

  streamName(topic: string): string {
    return this.prefix + topic;
  }

  async publish(topic: string, envelope: EventEnvelope): Promise<void> {
    await firstReady(this.redis, FIRST_CONNECT_WAIT_MS);
    await this.restartCheck;
    if (this.replayOwed) {
      this.restartCheck = this.replay();
      await this.restartCheck;
    }
    const json = JSON.stringify(envelope);
    await this.xadd(topic, envelope.id, json);
    if (this.replayLimit > 0) {
      this.recent.push({ topic, id: envelope.id, json, at: Date.now() });
      this.trimRecent();
    }
  }

  private async xadd(topic: string, id: string, json: string): Promise<void> {
    try {
      await this.redis.call('XADD', this.streamName(topic), 'MAXLEN', '~', this.maxLen, '*', 'id', id, 'envelope', json);
    } catch (e) {
      throw redisError(this.redis, e);
    }
  }

  private trimRecent(): void {
    const oldest = Date.now() - this.replayMaxAgeMs;
    let drop = Math.max(0, this.recent.length - this.replayLimit);
    while (drop < this.recent.length && this.recent[drop]!.at < oldest) drop += 1;
    if (drop > 0) this.recent.splice(0, drop);
  }

  /** On every (re)connection: a new run_id means Redis restarted, and what it held may be gone. */
  private async checkRestart(): Promise<void> {
    let runId: string | undefined;
    try {
      runId = /run_id:(\w+)/.exec(String(await this.redis.call('INFO', 'server')))?.[1];
    } catch {
      return; // disconnected again: the next 'ready' checks
    }
    if (!runId) return;
    if (this.runId !== undefined && runId !== this.runId) this.replayOwed = true;
    this.runId = runId;
    if (this.replayOwed) await this.replay();
  }

  private async replay(): Promise<void> {
    this.trimRecent();
    const events = [...this.recent];
    this.logger?.warn(
      { component: 'redis', events: events.length, runId: this.runId },
      events.length > 0 ? 'redis restarted: publishing again the events published here recently (consumers skip those they applied)' : 'redis restarted',
    );
    try {
      for (const e of events) await this.xadd(e.topic, e.id, e.json);
      this.replayOwed = false;
    } catch (e) {
      this.logger?.warn({ component: 'redis', cause: causeOf(e) }, 'publishing again after a redis restart failed; retried with the next publish');
    }
  }

  /** The group at the start of the stream (created with the stream if need be); an existing group is kept. Says whether it created it. */
  private async ensureGroup(stream: string, group: string): Promise<boolean> {
    try {
      // '0': a new group starts at the oldest entry, so events published before it subscribed are not lost.
      await this.redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
      return true;
    } catch (e) {
      if (!causeOf(e).includes('BUSYGROUP')) throw redisError(this.redis, e);
      return false;
    }
  }

  async subscribe(topic: string, group: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    const stream = this.streamName(topic);
    const consumer = options.consumer ?? defaultConsumerName();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const visibilityMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
    await firstReady(this.redis, FIRST_CONNECT_WAIT_MS);
    // Redis unreachable now: the subscription still starts, and its loop creates the group once Redis answers.
    await this.ensureGroup(stream, group).catch(() => undefined);
    const blocking = duplicateRedis(this.redis, `events-read:${topic}`, { logger: this.logger, commandTimeoutMs: this.blockMs + REDIS_COMMAND_TIMEOUT_MS });
    let lastClaimAt = 0;
    let claimCursor = '0-0';
    let pendingAt = 0;
    const claimEveryMs = Math.max(100, Math.floor(visibilityMs / 2));

    const toDeliveries = (entries: StreamEntry[]): Delivery[] => {
      const out: Delivery[] = [];
      for (const entry of entries) {
        const id = entry[0];
        const ack = async () => {
          try {
            await this.redis.call('XACK', stream, group, id);
          } catch (e) {
            // The group is gone (Redis restarted empty): the entry went with it, nothing is left to ack.
            if (!isNoGroup(e)) throw redisError(this.redis, e);
          }
        };
        const envelope = envelopeOf(entry);
        // An entry trimmed away cannot be delivered: ack it so it leaves the pending list.
        if (envelope) out.push({ envelope, ack });
        else void ack().catch(() => undefined);
      }
      return out;
    };

    const read = async (): Promise<Delivery[]> => {
      const now = Date.now();
      if (now - pendingAt >= PENDING_GAUGE_EVERY_MS) {
        pendingAt = now;
        const pending = pendingOf(await this.redis.call('XINFO', 'GROUPS', stream).catch(() => undefined), group);
        if (pending !== undefined) eventConsumerPending.set({ topic, group }, pending);
      }
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
    };

    const loop = runConsumerLoop(
      {
        next: async () => {
          await firstReady(blocking, this.blockMs);
          try {
            return await read();
          } catch (e) {
            if (!isNoGroup(e)) throw redisError(blocking.status === 'ready' ? this.redis : blocking, e);
            // Redis lost the group (it restarted empty, or the stream was deleted): create it again at id 0.
            claimCursor = '0-0';
            if (!(await this.ensureGroup(stream, group))) return [];
            this.logger?.warn(
              { component: 'events', topic, group, stream },
              'consumer group was missing (Redis restarted empty?): created again at the start of the stream; events already applied are skipped',
            );
            return [];
          }
        },
        interrupt: () => void disconnectRedis(blocking),
      },
      handler,
      options,
    );
    const sub: Subscription = {
      stop: async () => {
        await loop.stop();
        await disconnectRedis(blocking);
        this.subscriptions.delete(sub);
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.redis.off('ready', this.onReady);
    if (this.ownsConnection) await disconnectRedis(this.redis);
  }
}
