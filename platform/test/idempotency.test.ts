import pino from 'pino';
import { UserErrorException } from '../src/errors';
import { idempotent, releaseKeyClaim, replayOrClaimKey, requestHash, type IdempotentCall } from '../src/idempotency';
import type { Transaction } from '../src/db/database';
import { KERNEL_MIGRATIONS_DIR, migrate } from '../src/db/migrate';
import { storageModes, type TestDatabase } from '../src/testing';

const SCHEMA = 'idem';

interface Receipt {
  effectId: number;
  amount: number;
}

function userErrorCodes(e: unknown): string[] {
  if (!(e instanceof UserErrorException)) throw e;
  return e.errors.map((x) => x.code);
}

describe('requestHash', () => {
  it('ignores key order and undefined fields but not values', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: undefined } })).toBe(requestHash({ b: { c: [1, 2] }, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash({ c: [1, 2] })).not.toBe(requestHash({ c: [2, 1] }));
  });
});

describe.each(storageModes)('idempotent on %s', (_mode, create) => {
  let t: TestDatabase;
  let seq = 0;

  beforeAll(async () => {
    t = await create('idempotency-test');
    await migrate(t.db, { schema: SCHEMA, sources: [{ name: 'kernel', dir: KERNEL_MIGRATIONS_DIR }] });
    await t.db.query(`CREATE TABLE ${SCHEMA}.effects (id serial PRIMARY KEY, key text NOT NULL, amount int NOT NULL)`);
  });

  afterAll(async () => {
    await t.drop();
  });

  const call = (key: string, amount: number, scope = 'member:m1'): IdempotentCall => ({ schema: SCHEMA, scope, operation: 'spendPoints', key, request: { amount } });

  /** The effect: one row per real execution, returned as the response. */
  const effect = (key: string, amount: number) => async (tx: Transaction): Promise<Receipt> => {
    const rows = await tx.query<{ id: number }>(`INSERT INTO ${SCHEMA}.effects (key, amount) VALUES ($1, $2) RETURNING id`, [key, amount]);
    return { effectId: rows[0]!.id, amount };
  };

  const effectsFor = async (key: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.effects WHERE key = $1`, [key]))[0]?.n;
  const freshKey = () => `key-${++seq}-${Math.random().toString(36).slice(2)}`;

  describe('replayOrClaimKey (calls to other services before the transaction)', () => {
    /** An attempt as placeOrder makes it: claim, a slow call elsewhere, the transaction, release. */
    const attempt = async (key: string, calls: string[]) => {
      const c = call(key, 5);
      const earlier = await replayOrClaimKey<Receipt>(t.db, c);
      if (earlier) return earlier.response;
      try {
        calls.push(key);
        await new Promise((r) => setTimeout(r, 50));
        return (await idempotent(t.db, c, effect(key, 5))).response;
      } finally {
        await releaseKeyClaim(t.db, c);
      }
    };

    it('lets one of parallel duplicates make the calls; the others wait and replay its answer', async () => {
      const key = freshKey();
      const calls: string[] = [];
      const answers = await Promise.all(Array.from({ length: 8 }, () => attempt(key, calls)));
      expect(calls).toEqual([key]);
      expect(new Set(answers.map((a) => a.effectId)).size).toBe(1);
      expect(await effectsFor(key)).toBe(1);
    });

    it('frees the key when an attempt fails, so a retry runs', async () => {
      const key = freshKey();
      expect(await replayOrClaimKey(t.db, call(key, 5))).toBeNull();
      await releaseKeyClaim(t.db, call(key, 5));
      const calls: string[] = [];
      await attempt(key, calls);
      expect(calls).toEqual([key]);
    });

    it('frees the key when the attempt outlived its request (deadline passed), so a retry is not kept waiting', async () => {
      const key = freshKey();
      expect(await replayOrClaimKey(t.db, call(key, 5))).toBeNull();
      const overdue = { requestId: 'idem-test', logger: pino({ level: 'silent' }), sqlStatements: 0, deadline: Date.now() - 1 };
      await releaseKeyClaim(t.db.forRequest(overdue), call(key, 5));
      expect(await replayOrClaimKey(t.db, call(key, 5), 100)).toBeNull();
    });

    it('answers IDEMPOTENCY_KEY_IN_PROGRESS when the attempt in flight takes too long, and takes over a stale claim', async () => {
      const key = freshKey();
      expect(await replayOrClaimKey(t.db, call(key, 5))).toBeNull();
      expect(userErrorCodes(await replayOrClaimKey(t.db, call(key, 5), 100).catch((e: unknown) => e))).toEqual(['IDEMPOTENCY_KEY_IN_PROGRESS']);
      // a claim left by a crashed attempt goes stale
      await t.db.query(`UPDATE ${SCHEMA}.idempotency_claims SET claimed_at = now() - interval '1 minute' WHERE key = $1`, [key]);
      expect(await replayOrClaimKey(t.db, call(key, 5), 100)).toBeNull();
    });

    it('replays a committed answer, and refuses another request under the key', async () => {
      const key = freshKey();
      const first = await idempotent(t.db, call(key, 5), effect(key, 5));
      expect(await replayOrClaimKey(t.db, call(key, 5))).toEqual({ replayed: true, response: first.response });
      expect(userErrorCodes(await replayOrClaimKey(t.db, call(key, 6)).catch((e: unknown) => e))).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    });
  });

  it('replays the first response for the same key and request, with one effect', async () => {
    const key = freshKey();
    const first = await idempotent(t.db, call(key, 10), effect(key, 10));
    const second = await idempotent(t.db, call(key, 10), effect(key, 10));
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ replayed: true, response: first.response });
    expect(await effectsFor(key)).toBe(1);
  });

  it('answers IDEMPOTENCY_KEY_REUSED for a different request under the same key', async () => {
    const key = freshKey();
    await idempotent(t.db, call(key, 10), effect(key, 10));
    const err = await idempotent(t.db, call(key, 99), effect(key, 99)).catch((e: unknown) => e);
    expect(userErrorCodes(err)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await effectsFor(key)).toBe(1);
  });

  it('keeps keys of different scopes and operations apart', async () => {
    const key = freshKey();
    const a = await idempotent(t.db, call(key, 10, 'member:m1'), effect(key, 10));
    const b = await idempotent(t.db, call(key, 10, 'member:m2'), effect(key, 10));
    const c = await idempotent(t.db, { ...call(key, 10, 'member:m1'), operation: 'earnPoints' }, effect(key, 10));
    expect([a.replayed, b.replayed, c.replayed]).toEqual([false, false, false]);
    expect(await effectsFor(key)).toBe(3);
  });

  it('gives 10 concurrent duplicates exactly one effect and one response', async () => {
    const key = freshKey();
    const slowEffect = async (tx: Transaction): Promise<Receipt> => {
      const receipt = await effect(key, 5)(tx);
      await tx.query('SELECT pg_sleep(0.05)');
      return receipt;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => idempotent(t.db, call(key, 5), slowEffect)));
    const original = results.filter((r) => !r.replayed);
    expect(original).toHaveLength(1);
    for (const r of results) expect(r.response).toEqual(original[0]?.response);
    expect(await effectsFor(key)).toBe(1);
  });

  it('rolls back a user error with its effect and frees the key', async () => {
    const key = freshKey();
    const failing = async (tx: Transaction): Promise<Receipt> => {
      await effect(key, 10)(tx);
      throw UserErrorException.of('INSUFFICIENT_POINTS', 'not enough points', ['input', 'amount']);
    };
    const err = await idempotent(t.db, call(key, 10), failing).catch((e: unknown) => e);
    expect(userErrorCodes(err)).toEqual(['INSUFFICIENT_POINTS']);
    expect(await effectsFor(key)).toBe(0);
    const stored = await t.db.query(`SELECT 1 FROM ${SCHEMA}.idempotency_keys WHERE key = $1`, [key]);
    expect(stored).toEqual([]);

    const retry = await idempotent(t.db, call(key, 10), effect(key, 10));
    expect(retry.replayed).toBe(false);
    expect(await effectsFor(key)).toBe(1);
  });

  it('refuses an empty or overlong key before touching the database', async () => {
    const never = async (): Promise<Receipt> => {
      throw new Error('effect must not run');
    };
    expect(userErrorCodes(await idempotent(t.db, call('', 1), never).catch((e: unknown) => e))).toEqual(['INVALID_INPUT']);
    expect(userErrorCodes(await idempotent(t.db, call('k'.repeat(201), 1), never).catch((e: unknown) => e))).toEqual(['INVALID_INPUT']);
  });
});

test('the request hash tells apart requests that differ only in a DateTime (Date objects)', async () => {
  expect(requestHash({ at: new Date('2026-01-01T00:00:00Z') })).not.toBe(requestHash({ at: new Date('2026-01-02T00:00:00Z') }));
  expect(requestHash({ at: new Date('2026-01-01T08:00:00+08:00') })).toBe(requestHash({ at: new Date('2026-01-01T00:00:00Z') }));
});
