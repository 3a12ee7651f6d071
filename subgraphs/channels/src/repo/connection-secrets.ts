import type { Queryable } from '@retail/platform';
import { credentialAad, decryptSecrets, encryptSecrets, type CredentialKeyring } from '../domain/credential-cipher';
import type { ChannelSecrets, ConnectionRecord, ConnectionWithSecrets } from '../model';
import { insertCredential, nextCredentialVersion, reencryptCredential, supersedeCurrentCredential, usableCredentials } from './credentials';

// A connection's secrets in clear, only in memory and only for the code that signs or verifies with them. The caller
// has the connection from a fenced lookup (commands) or from its callback path (src/routes/, where the provider's
// signature is what is being checked).

/**
 * The connection's usable secrets: the current version and the versions still inside their rotation overlap. A
 * version still under CHANNEL_SECRET_KEY_PREVIOUS is decrypted with it and re-encrypted under CHANNEL_SECRET_KEY on
 * the way (docs/architecture.md §3, "Exposure and secrets"), so a key rotation completes as connections are used.
 */
export async function connectionSecrets(q: Queryable, keyring: CredentialKeyring, connection: ConnectionRecord): Promise<ConnectionWithSecrets> {
  const rows = await usableCredentials(q, connection.id);
  const versions: { secrets: ChannelSecrets; current: boolean }[] = [];
  for (const row of rows) {
    const aad = credentialAad(row.connectionId, row.version);
    const secrets = decryptSecrets(keyring, row.keyId, aad, row.ciphertext);
    if (row.keyId !== keyring.current.id) {
      const again = encryptSecrets(keyring, aad, secrets);
      await reencryptCredential(q, { connectionId: row.connectionId, version: row.version, fromKeyId: row.keyId, keyId: again.keyId, ciphertext: again.ciphertext });
    }
    versions.push({ secrets, current: row.acceptedUntil === null });
  }
  const current = versions.find((v) => v.current)?.secrets ?? {};
  return { connection, current, previous: versions.filter((v) => !v.current).map((v) => v.secrets) };
}

/**
 * Stores `secrets` as the connection's new current version under CHANNEL_SECRET_KEY; the version it replaces still
 * verifies callbacks for `overlapMinutes`. The caller holds the connection's lock (or just inserted it).
 */
export async function storeSecrets(q: Queryable, keyring: CredentialKeyring, connectionId: string, secrets: ChannelSecrets, overlapMinutes: number): Promise<void> {
  const version = await nextCredentialVersion(q, connectionId);
  if (version > 1) await supersedeCurrentCredential(q, connectionId, overlapMinutes);
  const { keyId, ciphertext } = encryptSecrets(keyring, credentialAad(connectionId, version), secrets);
  await insertCredential(q, { connectionId, version, keyId, ciphertext });
}
