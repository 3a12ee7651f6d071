import crypto from 'node:crypto';
import type { Database, Transaction } from './db/database';
import { UserErrorException, userError, type UserError } from './errors';

export interface IdempotentCall {
  /** The schema whose idempotency_keys table holds the record (the subgraph's own). */
  schema: string;
  /** The caller's partition, e.g. scopeKey(scope): two tenants never share keys. */
  scope: string;
  operation: string;
  key: string;
  /** The request as sent (without the key); its hash tells a retry from a reuse. */
  request: unknown;
}

function stableJson(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function requestHash(request: unknown): string {
  return crypto.createHash('sha256').update(stableJson(request)).digest('hex');
}

export type IdempotentResult<T> = { replayed: boolean; response: T };

/**
 * docs/architecture.md §7. Claims (scope, operation, key) and runs `effect` in the SAME transaction, storing its
 * JSON response. A concurrent duplicate blocks on the key's row until the first commits, then
 * replays its response; a different request under the same key is IDEMPOTENCY_KEY_REUSED.
 * A UserErrorException from the effect rolls everything back, so the key stays free for a retry.
 */
export async function idempotent<T>(db: Database, call: IdempotentCall, effect: (tx: Transaction) => Promise<T>): Promise<IdempotentResult<T>> {
  if (!call.key || call.key.length > 200) {
    throw UserErrorException.of('INVALID_INPUT', 'idempotencyKey must be 1 to 200 characters', ['input', 'idempotencyKey']);
  }
  const hash = requestHash(call.request);
  const t = `${call.schema}.idempotency_keys`;
  return db.transaction(async (tx) => {
    const claimed = await tx.query<{ key: string }>(
      `INSERT INTO ${t} (scope, operation, key, request_hash, response) VALUES ($1, $2, $3, $4, 'null'::jsonb)
       ON CONFLICT (scope, operation, key) DO NOTHING RETURNING key`,
      [call.scope, call.operation, call.key, hash],
    );
    if (claimed.length === 0) {
      const prev = await tx.query<{ request_hash: string; response: T }>(
        `SELECT request_hash, response FROM ${t} WHERE scope = $1 AND operation = $2 AND key = $3`,
        [call.scope, call.operation, call.key],
      );
      const row = prev[0];
      if (!row || row.request_hash !== hash) {
        throw new UserErrorException([reusedKey()]);
      }
      return { replayed: true, response: row.response };
    }
    const response = await effect(tx);
    await tx.query(`UPDATE ${t} SET response = $4::jsonb WHERE scope = $1 AND operation = $2 AND key = $3`, [
      call.scope,
      call.operation,
      call.key,
      JSON.stringify(response ?? null),
    ]);
    return { replayed: false, response };
  });
}

/**
 * What `idempotent` would answer for a call that was already made and committed, without claiming the key: the
 * stored response (replayed), IDEMPOTENCY_KEY_REUSED for another request under the key, null when the key is
 * free. For a command that calls another service before its transaction (never inside it, architecture.md §8), so
 * a replay asks nobody again; the transaction's own `idempotent` still settles a race of two first attempts.
 */
export async function findIdempotent<T>(db: Database, call: IdempotentCall): Promise<IdempotentResult<T> | null> {
  if (!call.key || call.key.length > 200) {
    throw UserErrorException.of('INVALID_INPUT', 'idempotencyKey must be 1 to 200 characters', ['input', 'idempotencyKey']);
  }
  const rows = await db.query<{ request_hash: string; response: T }>(
    `SELECT request_hash, response FROM ${call.schema}.idempotency_keys WHERE scope = $1 AND operation = $2 AND key = $3`,
    [call.scope, call.operation, call.key],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.request_hash !== requestHash(call.request)) throw new UserErrorException([reusedKey()]);
  return { replayed: true, response: row.response };
}

function reusedKey(): UserError {
  return userError('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was already used with a different request', ['input', 'idempotencyKey']);
}

/** How long a claim holds before another attempt may take it over (far beyond a request's deadline). */
/** How long releasing a claim may take once the request's own deadline has passed. */
const CLAIM_RELEASE_TIMEOUT_MS = 5000;
const CLAIM_STALE_S = 30;

/**
 * For a command that calls other services before its transaction (placeOrder holds stock first): answers a replay
 * as findIdempotent does, else claims the key for this attempt, so parallel duplicates wait here for the first
 * attempt's answer instead of making the calls again (and holding stock twice). The claim is released with
 * `releaseKeyClaim` when the attempt ends, committed or not; a claim left by a crashed attempt goes stale after
 * CLAIM_STALE_S. Waiting longer than `waitMs` is CONFLICT (retry with the same key). docs/architecture.md §7.
 */
export async function replayOrClaimKey<T>(db: Database, call: IdempotentCall, waitMs = 4000): Promise<IdempotentResult<T> | null> {
  const deadline = Date.now() + waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 100)) {
    const earlier = await findIdempotent<T>(db, call);
    if (earlier) return earlier;
    const claimed = await db.query(
      `INSERT INTO ${call.schema}.idempotency_claims AS c (scope, operation, key) VALUES ($1, $2, $3)
       ON CONFLICT (scope, operation, key) DO UPDATE SET claimed_at = now() WHERE c.claimed_at < now() - make_interval(secs => $4)
       RETURNING key`,
      [call.scope, call.operation, call.key, CLAIM_STALE_S],
    );
    if (claimed.length > 0) {
      // The attempt before may have committed and let go of the key between the look above and this claim: its
      // answer is visible now (it commits before it lets go), so look once more.
      const committed = await findIdempotent<T>(db, call);
      if (!committed) return null;
      await releaseKeyClaim(db, call);
      return committed;
    }
    if (Date.now() + pause > deadline) {
      throw UserErrorException.of('IDEMPOTENCY_KEY_IN_PROGRESS', 'a request with this idempotencyKey is still in progress; retry with the same key', ['input', 'idempotencyKey']);
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Ends this attempt's claim (see replayOrClaimKey): its answer, if any, is in idempotency_keys by now. Not bound to
 * the request's deadline: an attempt that outlived its caller must still let go of the key, or every retry of it
 * would wait for the claim to go stale (CLAIM_STALE_S) and answer IDEMPOTENCY_KEY_IN_PROGRESS meanwhile.
 */
export async function releaseKeyClaim(db: Database, call: IdempotentCall): Promise<void> {
  await db.transaction(
    (tx) => tx.query(`DELETE FROM ${call.schema}.idempotency_claims WHERE scope = $1 AND operation = $2 AND key = $3`, [call.scope, call.operation, call.key]),
    { statementTimeoutMs: CLAIM_RELEASE_TIMEOUT_MS },
  );
}
