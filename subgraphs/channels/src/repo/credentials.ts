import type { Queryable } from '@retail/platform';

// The encrypted credential versions of a connection (migrations/0001_init.sql, channels.credential). The caller is a
// command that locked the connection inside the scope, or a callback route authenticating the provider: these
// functions take no Scope, and the connection id is always the caller's checked one.

export interface CredentialRow {
  connectionId: string;
  version: number;
  keyId: string;
  ciphertext: Buffer;
  acceptedUntil: Date | null;
}

const COLUMNS = `connection_id AS "connectionId", version, key_id AS "keyId", ciphertext, accepted_until AS "acceptedUntil"`;

/** The current version (accepted_until NULL) first, then replaced ones still inside their overlap, newest first. */
export function usableCredentials(q: Queryable, connectionId: string): Promise<CredentialRow[]> {
  return q.query<CredentialRow>(
    `SELECT ${COLUMNS} FROM channels.credential
      WHERE connection_id = $1 AND (accepted_until IS NULL OR accepted_until > now())
      ORDER BY accepted_until IS NULL DESC, version DESC`,
    [connectionId],
  );
}

/** The number the next version gets (1 for a new connection); under the connection's lock. */
export async function nextCredentialVersion(q: Queryable, connectionId: string): Promise<number> {
  const rows = await q.query<{ next: number }>(`SELECT coalesce(max(version), 0) + 1 AS next FROM channels.credential WHERE connection_id = $1`, [connectionId]);
  return rows[0]!.next;
}

export async function insertCredential(q: Queryable, row: { connectionId: string; version: number; keyId: string; ciphertext: Buffer }): Promise<void> {
  await q.query(`INSERT INTO channels.credential (connection_id, version, key_id, ciphertext) VALUES ($1, $2, $3, $4)`, [row.connectionId, row.version, row.keyId, row.ciphertext]);
}

/**
 * Ends the current version: it verifies callbacks for `overlapMinutes` more (0: not at all). Earlier versions still
 * inside an overlap are held to the same end at the latest, so a rotation with overlap 0 (a leaked key) leaves only
 * the new version verifying. Replaced rows stay, for audit, but never sign.
 */
export async function supersedeCurrentCredential(q: Queryable, connectionId: string, overlapMinutes: number): Promise<void> {
  await q.query(
    `UPDATE channels.credential SET accepted_until = least(coalesce(accepted_until, 'infinity'), now() + make_interval(mins => $2::int))
      WHERE connection_id = $1 AND (accepted_until IS NULL OR accepted_until > now())`,
    [connectionId, overlapMinutes],
  );
}

/**
 * A version re-encrypted under the current CHANNEL_SECRET_KEY, if it is still under `fromKeyId` (a parallel reader
 * may have done it already: then nothing changes).
 */
export async function reencryptCredential(q: Queryable, row: { connectionId: string; version: number; fromKeyId: string; keyId: string; ciphertext: Buffer }): Promise<void> {
  await q.query(`UPDATE channels.credential SET key_id = $4, ciphertext = $5 WHERE connection_id = $1 AND version = $2 AND key_id = $3`, [
    row.connectionId,
    row.version,
    row.fromKeyId,
    row.keyId,
    row.ciphertext,
  ]);
}

/** Up to `limit` versions still under `keyId`, locked for re-encryption; ones another replica holds are skipped. */
export function credentialsUnderKey(q: Queryable, keyId: string, limit: number): Promise<CredentialRow[]> {
  return q.query<CredentialRow>(`SELECT ${COLUMNS} FROM channels.credential WHERE key_id = $1 ORDER BY connection_id, version LIMIT $2 FOR UPDATE SKIP LOCKED`, [keyId, limit]);
}

/** Many versions re-encrypted in one statement (each only if still under its `fromKeyId`). */
export async function reencryptCredentials(q: Queryable, rows: readonly { connectionId: string; version: number; fromKeyId: string; keyId: string; ciphertext: Buffer }[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE channels.credential c SET key_id = r.key_id, ciphertext = decode(r.ciphertext, 'base64')
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS r(connection_id, version, from_key_id, key_id, ciphertext)
      WHERE c.connection_id = r.connection_id AND c.version = r.version AND c.key_id = r.from_key_id`,
    [rows.map((r) => r.connectionId), rows.map((r) => r.version), rows.map((r) => r.fromKeyId), rows.map((r) => r.keyId), rows.map((r) => r.ciphertext.toString('base64'))],
  );
}
