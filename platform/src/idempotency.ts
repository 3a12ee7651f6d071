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

function reusedKey(): UserError {
  return userError('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was already used with a different request', ['input', 'idempotencyKey']);
}
