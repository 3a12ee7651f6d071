import crypto from 'node:crypto';
import Redis from 'ioredis';
import type { Database, Queryable } from '../src/db/database';
import { KERNEL_MIGRATIONS_DIR, migrate } from '../src/db/migrate';
import {
  appendToOutbox,
  consume,
  createEventTransport,
  PostgresTransport,
  RedisStreamsTransport,
  relayOutboxBatch,
  startOutboxRelay,
  type EventEnvelope,
  type EventHandler,
  type EventTransport,
  type SubscribeOptions,
  type Subscription,
} from '../src/events';
import { createTestDatabase, createTestEmbedded, freePort, TEST_REDIS_URL, type TestDatabase } from '../src/testing/databases';
import { capturedLogger } from '../src/testing/logs';
import { ConsumerHealth } from '../src/events/consumer-health';
import { startServiceEvents } from '../src/events/service-events';
import type { ConsumerStep } from '../src/events/transport';
import { Health } from '../src/health';
import { eventConsumerFailures, registry } from '../src/metrics';
import { testConfig } from '../src/testing/config';

const SHOP = 'shop';
/** Short timeouts so redelivery is observable within a test; production defaults are 30 s. */
const FAST: SubscribeOptions = { visibilityTimeoutMs: 300, drainTimeoutMs: 50 };
/** A single relay pass whose lease lapses at once, so later relays in the suite are not held off. */
const ONE_SHOT = { replica: 'one-shot', leaseMs: 1 };

interface Harness {
  db: Database;
  transport: EventTransport;
  /** Another transport instance on the same backend: a second process. */
  another(): EventTransport;
  teardown(): Promise<void>;
}

async function withShopSchema(t: TestDatabase): Promise<void> {
  await migrate(t.db, { schema: SHOP, sources: [{ name: 'kernel', dir: KERNEL_MIGRATIONS_DIR }] });
  await t.db.query(`CREATE TABLE ${SHOP}.effects (consumer_group text NOT NULL, event_id uuid NOT NULL, key text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp(), seq bigserial)`);
}

async function redisHarness(): Promise<Harness> {
  const t = await createTestDatabase('events-test');
  await withShopSchema(t);
  const prefix = `test:${crypto.randomBytes(4).toString('hex')}:`;
  const made: EventTransport[] = [];
  const make = () => {
    const tr = new RedisStreamsTransport({ url: TEST_REDIS_URL, prefix, blockMs: 200 });
    made.push(tr);
    return tr;
  };
  return {
    db: t.db,
    transport: make(),
    another: make,
    async teardown() {
      await Promise.all(made.map((tr) => tr.close()));
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await t.drop();
    },
  };
}

function postgresHarness(create: () => Promise<TestDatabase>) {
  return async (): Promise<Harness> => {
    const t = await create();
    await withShopSchema(t);
    const made: EventTransport[] = [];
    const first = await PostgresTransport.create({ db: t.db, maxPollMs: 100 });
    made.push(first);
    return {
      db: t.db,
      transport: first,
      another() {
        const tr = new PostgresTransport({ db: t.db, maxPollMs: 100 });
        made.push(tr);
        return tr;
      },
      async teardown() {
        await Promise.all(made.map((tr) => tr.close()));
        await t.drop();
      },
    };
  };
}

const transports: [string, () => Promise<Harness>][] = [
  ['redis streams', redisHarness],
  ['postgres (real PostgreSQL)', postgresHarness(() => createTestDatabase('events-test'))],
  ['postgres (embedded PGlite)', postgresHarness(() => createTestEmbedded('events-test'))],
];

/** Polls until check() holds or the deadline passes. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Test-side SQL while consumers run (on PGlite too: the embedded server keeps statements whole). */
function sql<R = Record<string, unknown>>(db: Database, text: string, params: readonly unknown[] = []): Promise<R[]> {
  return db.query<R>(text, params);
}

function uniqueTopic(name: string): string {
  return `${name}.${crypto.randomBytes(3).toString('hex')}`;
}

function envelope(topic: string, key: string, payload: unknown = { key }): EventEnvelope {
  return { id: crypto.randomUUID(), topic, key, payload, occurredAt: new Date().toISOString(), source: 'test' };
}

function recorder() {
  const seen: EventEnvelope[] = [];
  const handler: EventHandler = async (e) => {
    seen.push(e);
  };
  return { seen, handler, ids: () => seen.map((e) => e.id) };
}

async function placeOrder(db: Database, topic: string, key: string): Promise<string> {
  return db.transaction((tx) => appendToOutbox(tx, SHOP, { topic, key, payload: { orderId: key, totalFen: 1200 } }));
}

async function effectsOf(db: Database, group: string): Promise<{ event_id: string; key: string }[]> {
  return sql(db, `SELECT event_id, key FROM ${SHOP}.effects WHERE consumer_group = $1 ORDER BY seq`, [group]);
}

function recordEffect(group: string) {
  return async (tx: Queryable, e: EventEnvelope) => {
    await tx.query(`INSERT INTO ${SHOP}.effects (consumer_group, event_id, key) VALUES ($1, $2, $3)`, [group, e.id, e.key]);
  };
}

describe.each(transports)('event transport: %s', (_name, makeHarness) => {
  let h: Harness;
  const subs: Subscription[] = [];
  const track = async (p: Promise<Subscription>) => {
    const s = await p;
    subs.push(s);
    return s;
  };

  beforeAll(async () => {
    h = await makeHarness();
  });
  afterEach(async () => {
    await Promise.all(subs.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('delivers every event once to a group whose consumers share the work', async () => {
    const topic = uniqueTopic('order.paid');
    const a = recorder();
    const b = recorder();
    const slow = (r: ReturnType<typeof recorder>): EventHandler => async (e) => {
      await new Promise((res) => setTimeout(res, 5));
      await r.handler(e);
    };
    await track(h.transport.subscribe(topic, 'points', slow(a), { ...FAST, visibilityTimeoutMs: 10_000, batchSize: 2 }));
    await track(h.another().subscribe(topic, 'points', slow(b), { ...FAST, visibilityTimeoutMs: 10_000, batchSize: 2 }));
    const sent = Array.from({ length: 20 }, (_, i) => envelope(topic, `o${i}`));
    for (const e of sent) await h.transport.publish(topic, e);

    await eventually('all 20 events', () => a.seen.length + b.seen.length >= 20);
    const got = [...a.ids(), ...b.ids()];
    expect(new Set(got)).toEqual(new Set(sent.map((e) => e.id)));
    expect(got).toHaveLength(20);
    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen.length).toBeGreaterThan(0);
    expect(a.seen[0]).toEqual(sent.find((e) => e.id === a.seen[0]!.id));
  });

  it('gives every group every event, including events published before the group subscribed', async () => {
    const topic = uniqueTopic('order.refunded');
    const early = envelope(topic, 'early');
    const points = recorder();
    await track(h.transport.subscribe(topic, 'points', points.handler, FAST));
    await h.transport.publish(topic, early);
    const orders = recorder();
    await track(h.transport.subscribe(topic, 'orders', orders.handler, FAST));
    const later = [envelope(topic, 'a'), envelope(topic, 'b')];
    for (const e of later) await h.transport.publish(topic, e);

    const all = [early, ...later].map((e) => e.id);
    await eventually('both groups', () => points.seen.length >= 3 && orders.seen.length >= 3);
    expect(points.ids()).toEqual(all);
    expect(orders.ids()).toEqual(all);
  });

  it('redelivers an event whose handler threw', async () => {
    const topic = uniqueTopic('payment.succeeded');
    const attempts = new Map<string, number>();
    const done: string[] = [];
    await track(
      h.transport.subscribe(
        topic,
        'orders',
        async (e) => {
          const n = (attempts.get(e.id) ?? 0) + 1;
          attempts.set(e.id, n);
          if (n === 1) throw new Error('database hiccup');
          done.push(e.id);
        },
        { ...FAST, onError: () => undefined },
      ),
    );
    const sent = [envelope(topic, 'p1'), envelope(topic, 'p2')];
    for (const e of sent) await h.transport.publish(topic, e);

    await eventually('both events handled after a retry', () => done.length >= 2);
    expect(new Set(done)).toEqual(new Set(sent.map((e) => e.id)));
    expect([...attempts.values()]).toEqual([2, 2]);
  });

  it('hands an event a crashed consumer never acked to another consumer of the group', async () => {
    const topic = uniqueTopic('stock.reserve');
    const taken: string[] = [];
    const crashed = await h.another().subscribe(
      topic,
      'products',
      async (e) => {
        taken.push(e.id);
        await new Promise(() => undefined); // the process dies before acking
      },
      FAST,
    );
    const e = envelope(topic, 'sku-1');
    await h.transport.publish(topic, e);
    await eventually('the first consumer to take it', () => taken.length === 1);
    await crashed.stop();

    const survivor = recorder();
    await track(h.transport.subscribe(topic, 'products', survivor.handler, FAST));
    await eventually('redelivery to the survivor', () => survivor.seen.length >= 1);
    expect(survivor.ids()).toEqual([e.id]);
    expect(taken).toEqual([e.id]);
  });

  it('applies a duplicate delivery only once', async () => {
    const topic = uniqueTopic('order.paid');
    const deliveries: string[] = [];
    const spied = spyDeliveries(h.transport, deliveries);
    await track(consume(spied, h.db, SHOP, 'dup-points', topic, recordEffect('dup-points'), FAST));
    const e = envelope(topic, 'o-dup');
    await h.transport.publish(topic, e);
    await h.transport.publish(topic, e);

    await eventually('two deliveries', () => deliveries.length >= 2);
    expect(await effectsOf(h.db, 'dup-points')).toEqual([{ event_id: e.id, key: 'o-dup' }]);
    const processed = await sql(h.db, `SELECT event_id FROM ${SHOP}.processed_events WHERE consumer_group = 'dup-points'`);
    expect(processed).toEqual([{ event_id: e.id }]);
  });

  it('loses nothing when the relay fails between the business commit and publishing', async () => {
    const topic = uniqueTopic('order.placed');
    const id = await placeOrder(h.db, topic, 'o-lost');
    const down: EventTransport = { ...spyDeliveries(h.transport, []), publish: () => Promise.reject(new Error('transport down')) };
    await expect(relayOutboxBatch({ db: h.db, schema: SHOP, transport: down, ...ONE_SHOT })).rejects.toThrow('transport down');
    const [row] = await sql<{ published_at: Date | null; attempts: number; last_error: string }>(h.db, `SELECT published_at, attempts, last_error FROM ${SHOP}.outbox WHERE id = $1`, [id]);
    expect(row).toEqual({ published_at: null, attempts: 1, last_error: 'transport down' });

    await track(consume(h.transport, h.db, SHOP, 'lost-orders', topic, recordEffect('lost-orders'), FAST));
    expect(await relayOutboxBatch({ db: h.db, schema: SHOP, transport: h.transport, ...ONE_SHOT })).toBeGreaterThanOrEqual(1);
    await eventually('the effect', async () => (await effectsOf(h.db, 'lost-orders')).length >= 1);
    expect(await effectsOf(h.db, 'lost-orders')).toEqual([{ event_id: id, key: 'o-lost' }]);
  });

  it('republishes after a crash between publishing and marking, with no second effect', async () => {
    const topic = uniqueTopic('order.paid');
    const deliveries: string[] = [];
    await track(consume(spyDeliveries(h.transport, deliveries), h.db, SHOP, 'crash-points', topic, recordEffect('crash-points'), FAST));
    const id = await placeOrder(h.db, topic, 'o-crash');
    // The relay process dies right after publishing: its UPDATE marking the batch never happens.
    await sql(h.db, `CREATE FUNCTION ${SHOP}.kill_relay() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'relay killed'; END $$`);
    await sql(h.db, `CREATE TRIGGER kill_relay BEFORE UPDATE OF published_at ON ${SHOP}.outbox FOR EACH ROW EXECUTE FUNCTION ${SHOP}.kill_relay()`);
    await expect(relayOutboxBatch({ db: h.db, schema: SHOP, transport: h.transport, ...ONE_SHOT })).rejects.toThrow('relay killed');
    await sql(h.db, `DROP TRIGGER kill_relay ON ${SHOP}.outbox`);
    await relayOutboxBatch({ db: h.db, schema: SHOP, transport: h.transport, ...ONE_SHOT });

    await eventually('both deliveries handled', () => deliveries.filter((d) => d === id).length >= 2);
    expect(await effectsOf(h.db, 'crash-points')).toEqual([{ event_id: id, key: 'o-crash' }]);
    const unpublished = await sql(h.db, `SELECT id FROM ${SHOP}.outbox WHERE published_at IS NULL`);
    expect(unpublished).toEqual([]);
  });

  it('runs outbox → relay → transport → consumers end to end, in order, with two relay replicas', async () => {
    const topic = uniqueTopic('order.paid');
    await track(consume(h.transport, h.db, SHOP, 'e2e-points', topic, recordEffect('e2e-points'), FAST));
    await track(consume(h.another(), h.db, SHOP, 'e2e-audit', topic, recordEffect('e2e-audit'), FAST));
    const raw = recorder();
    await track(h.transport.subscribe(topic, 'e2e-raw', raw.handler, FAST));
    const relays = [
      startOutboxRelay({ db: h.db, schema: SHOP, transport: h.transport, pollIntervalMs: 20, replica: 'relay-a' }),
      startOutboxRelay({ db: h.db, schema: SHOP, transport: h.transport, pollIntervalMs: 20, replica: 'relay-b' }),
    ];
    try {
      const ids: string[] = [];
      for (let i = 0; i < 15; i++) ids.push(await placeOrder(h.db, topic, `o${i}`));
      await eventually('every effect in both groups', async () => (await effectsOf(h.db, 'e2e-points')).length >= 15 && (await effectsOf(h.db, 'e2e-audit')).length >= 15);
      expect((await effectsOf(h.db, 'e2e-points')).map((r) => r.event_id)).toEqual(ids);
      expect((await effectsOf(h.db, 'e2e-audit')).map((r) => r.event_id)).toEqual(ids);
      // The lease kept the two relays from publishing the same rows.
      expect(raw.ids()).toEqual(ids);
      expect(raw.seen[0]).toMatchObject({ topic, key: 'o0', payload: { orderId: 'o0', totalFen: 1200 }, source: SHOP });
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
  });

  it('an idle relay neither renews its lease nor waits out its pause after a local COMMIT; a lease taken over stops it at its next batch', async () => {
    const topic = uniqueTopic('order.idle');
    const raw = recorder();
    await track(h.transport.subscribe(topic, 'idle-raw', raw.handler, FAST));
    const leaseOf = async () => (await sql<{ holder: string; expires_at: Date }>(h.db, `SELECT holder, expires_at FROM ${SHOP}.outbox_relay_lease`))[0];
    const relay = startOutboxRelay({ db: h.db, schema: SHOP, transport: h.transport, pollIntervalMs: 200, maxPollIntervalMs: 5000, leaseMs: 60_000, replica: 'idle-relay' });
    try {
      await eventually('the relay to take the lease', async () => (await leaseOf())?.holder === 'idle-relay');
      const taken = (await leaseOf())!.expires_at.getTime();
      // Idle for 3.2 s: rounds at 0, 0.2, 0.6, 1.4 and 3.0 s, then a pause of 3.2 s; the lease row is not written
      // again. Unwoken, the relay would publish the next order only at ~6.2 s, three seconds after it commits.
      await new Promise((r) => setTimeout(r, 3200));
      expect((await leaseOf())!.expires_at.getTime()).toBe(taken);
      const started = Date.now();
      const id = await placeOrder(h.db, topic, 'o-idle');
      await eventually('the woken relay to publish', () => raw.ids().includes(id), 1500);
      expect(Date.now() - started).toBeLessThan(1500);

      // Another replica holds the lease now: this one publishes nothing more.
      await sql(h.db, `UPDATE ${SHOP}.outbox_relay_lease SET holder = 'someone-else', expires_at = now() + interval '1 hour'`);
      const held = await placeOrder(h.db, topic, 'o-held');
      await new Promise((r) => setTimeout(r, 600));
      expect(raw.ids()).not.toContain(held);
      expect((await sql(h.db, `SELECT published_at FROM ${SHOP}.outbox WHERE id = $1`, [held]))[0]).toEqual({ published_at: null });
    } finally {
      await relay.stop();
      await sql(h.db, `UPDATE ${SHOP}.outbox_relay_lease SET expires_at = '-infinity'`);
      await relayOutboxBatch({ db: h.db, schema: SHOP, transport: h.transport, ...ONE_SHOT });
    }
  });
});

describe('createEventTransport', () => {
  it('chooses Redis Streams when a Redis URL is set, else the PostgreSQL event log', async () => {
    const t = await createTestDatabase('events-test');
    try {
      const redis = await createEventTransport({ redisUrl: TEST_REDIS_URL, db: t.db });
      const pg = await createEventTransport({ redisUrl: undefined, db: t.db });
      expect([redis.kind, pg.kind]).toEqual(['redis', 'postgres']);
      expect(await sql(t.db, `SELECT count(*)::int AS n FROM events.consumer_group`)).toEqual([{ n: 0 }]);
      await Promise.all([redis.close(), pg.close()]);
    } finally {
      await t.drop();
    }
  });
});

/** A logger whose JSON lines a test can read. */


describe('redis streams when Redis lost its data', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await redisHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('creates a vanished consumer group again at the start of the new stream: nothing is skipped, nothing applied twice', async () => {
    const topic = uniqueTopic('store.changed');
    const outcomes: [ConsumerStep, boolean][] = [];
    const log = capturedLogger();
    const transport = new RedisStreamsTransport({ url: TEST_REDIS_URL, prefix: `test:${crypto.randomBytes(4).toString('hex')}:`, blockMs: 200, logger: log.logger });
    const sub = await consume(transport, h.db, SHOP, 'lost-group', topic, recordEffect('lost-group'), { ...FAST, onOutcome: (step, error) => outcomes.push([step, error !== undefined]) });
    try {
      const before = envelope(topic, 'before');
      await transport.publish(topic, before);
      await eventually('the first event', async () => (await effectsOf(h.db, 'lost-group')).length === 1);

      // Redis restarted empty: the stream and the group are gone.
      const raw = new Redis(TEST_REDIS_URL);
      await raw.del(transport.streamName(topic));
      raw.disconnect();
      // The events published into the fresh stream: one the publisher sends again (it may have been lost), new ones.
      const after = [envelope(topic, 'after-1'), envelope(topic, 'after-2')];
      for (const e of [before, ...after]) await transport.publish(topic, e);

      await eventually('the events of the new stream', async () => (await effectsOf(h.db, 'lost-group')).length >= 3);
      await new Promise((r) => setTimeout(r, 300));
      expect((await effectsOf(h.db, 'lost-group')).map((r) => r.key)).toEqual(['before', 'after-1', 'after-2']);
      expect(log.messages().filter((m) => m.startsWith('consumer group was missing'))).toHaveLength(1);
      expect(outcomes.filter(([, failed]) => failed)).toEqual([]);
    } finally {
      await sub.stop();
      await transport.close();
    }
  });
});

describe('consumer health', () => {
  const at = { t: 0 };
  const now = () => at.t;
  const failure = new Error('connect ECONNREFUSED 127.0.0.1:6379');

  it('logs a consumer that cannot make progress once with its cause, reminds once a minute, says when it recovers', () => {
    const log = capturedLogger();
    const health = new ConsumerHealth({ topic: 'a.b', group: 'g1', logger: log.logger, stalledAfterMs: 30_000, now });
    at.t = 1000;
    health.outcome('fetch');
    for (let i = 0; i < 300; i++) {
      at.t += 500; // the loop retries twice a second for 150 s
      health.outcome('fetch', failure);
    }
    expect(log.lines.map((l) => [l.msg, l.cause, l.topic, l.group])).toEqual([
      ['event consumer cannot make progress; events wait', 'connect ECONNREFUSED 127.0.0.1:6379', 'a.b', 'g1'],
      ['event consumer still cannot make progress', 'connect ECONNREFUSED 127.0.0.1:6379', 'a.b', 'g1'],
      ['event consumer still cannot make progress', 'connect ECONNREFUSED 127.0.0.1:6379', 'a.b', 'g1'],
    ]);
    expect(health.check()).toBe('no progress for 150 s: connect ECONNREFUSED 127.0.0.1:6379');
    health.outcome('fetch');
    expect(health.check()).toBe(true);
    expect(log.lines.at(-1)).toMatchObject({ msg: 'event consumer making progress again', failures: 300, failedForS: 149.5 });
    expect(log.lines).toHaveLength(4);
  });

  it('sums up a flapping consumer instead of logging every flap', () => {
    const log = capturedLogger();
    const health = new ConsumerHealth({ topic: 'a.b', group: 'g4', logger: log.logger, now });
    at.t = 0;
    for (let i = 0; i < 10; i++) {
      at.t += 1000;
      health.outcome('fetch', failure);
      at.t += 1000;
      health.outcome('fetch');
    }
    expect(log.messages()).toEqual([
      'event consumer cannot make progress; events wait',
      'event consumer making progress again',
      'event consumer cannot make progress; events wait',
      'event consumer making progress again',
      'event consumer cannot make progress; events wait',
      'event consumer making progress again',
    ]);
    at.t += 60_000;
    health.outcome('fetch', failure);
    expect(log.lines.at(-1)).toMatchObject({ msg: 'event consumer cannot make progress; events wait', unloggedOutages: 7 });
  });

  it('is ready while a failure is younger than stalledAfterMs', () => {
    const health = new ConsumerHealth({ topic: 'a.b', group: 'g2', stalledAfterMs: 30_000, now });
    at.t = 0;
    health.outcome('fetch', failure);
    at.t = 29_000;
    health.outcome('fetch', failure);
    expect(health.check()).toBe(true);
    at.t = 31_000;
    expect(health.check()).toMatch(/^no progress for 31 s/);
  });

  it('keeps failing on an event its handler cannot apply, even while fetches succeed', () => {
    const health = new ConsumerHealth({ topic: 'a.b', group: 'g3', stalledAfterMs: 1000, now });
    at.t = 0;
    const poison = envelope('a.b', 'poison');
    health.outcome('handle', new Error('payload needs id'), poison);
    at.t = 5000;
    health.outcome('fetch');
    expect(health.failing).toBe(true);
    expect(health.check()).toBe('no progress for 5 s: payload needs id');
    health.outcome('handle', undefined, poison);
    expect(health.check()).toBe(true);
  });
});

describe('startServiceEvents and consumer readiness', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('events-test');
    await withShopSchema(t);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('starts with Redis down, says why in one line, and fails /readyz once the consumer has been stuck too long', async () => {
    const topic = uniqueTopic('store.changed');
    const health = new Health();
    const log = capturedLogger();
    const failuresBefore = (await eventConsumerFailures.get()).values.find((v) => v.labels.topic === topic)?.value ?? 0;
    const stop = await startServiceEvents({
      db: t.db,
      config: testConfig({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` }),
      logger: log.logger,
      schema: SHOP,
      publishes: false,
      consumes: [{ topic, apply: async () => undefined }],
      health,
      stalledAfterMs: 500,
    });
    try {
      const first = await health.report();
      expect(first.checks[`events:${topic}`]).toBe('ok');
      await eventually('the readiness check to fail', async () => !(await health.report()).ready, 10_000);
      const report = await health.report();
      expect(report.checks[`events:${topic}`]).toMatch(/^no progress for \d+ s: redis unreachable \(\w+\): connect ECONNREFUSED/);
      const stuck = log.lines.filter((l) => String(l.msg).includes('cannot make progress'));
      expect(stuck).toHaveLength(1);
      expect(stuck[0]).toMatchObject({ topic, group: SHOP, step: 'fetch', cause: expect.stringContaining('ECONNREFUSED') });
      expect((await eventConsumerFailures.get()).values.find((v) => v.labels.topic === topic)?.value).toBeGreaterThan(failuresBefore);
      expect(await registry.metrics()).toContain(`event_consumer_failing_seconds{topic="${topic}",group="${SHOP}"}`);
    } finally {
      await stop();
    }
  });

  it('is ready while its consumer makes progress', async () => {
    const topic = uniqueTopic('store.changed');
    const health = new Health();
    const stop = await startServiceEvents({
      db: t.db,
      config: testConfig({ REDIS_URL: TEST_REDIS_URL, EVENT_STREAM_PREFIX: `test:${crypto.randomBytes(4).toString('hex')}:` }),
      logger: capturedLogger().logger,
      schema: SHOP,
      publishes: false,
      consumes: [{ topic, apply: async () => undefined }],
      health,
      stalledAfterMs: 100,
    });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(await health.report()).toEqual({ ready: true, draining: false, checks: { [`events:${topic}`]: 'ok' } });
    } finally {
      await stop();
    }
  });
});

/** The same transport, counting each delivery once its handler has finished. */
function spyDeliveries(transport: EventTransport, deliveries: string[]): EventTransport {
  return {
    kind: transport.kind,
    publish: (topic, e) => transport.publish(topic, e),
    subscribe: (topic, group, handler, options) =>
      transport.subscribe(
        topic,
        group,
        async (e) => {
          await handler(e);
          deliveries.push(e.id);
        },
        options,
      ),
    close: () => transport.close(),
  };
}
