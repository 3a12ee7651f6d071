import type { Job } from '@retail/platform';
import { credentialAad, credentialKeyring, decryptSecrets, encryptSecrets } from '../domain/credential-cipher';
import { credentialsUnderKey, reencryptCredentials } from '../repo/credentials';
import type { ChannelsSettings } from '../settings';

/** Versions re-encrypted per run (per transaction). */
const BATCH = 100;

/**
 * While CHANNEL_SECRET_KEY_PREVIOUS is set, moves every credential still under it to CHANNEL_SECRET_KEY (used ones are
 * moved on use as well, repo/connection-secrets.ts), so the previous key can be dropped once the job reports nothing
 * left. Safe on many replicas: rows are taken with FOR UPDATE SKIP LOCKED and rewritten only if still under the old key.
 */
export function reencryptCredentialsJob(settings: ChannelsSettings): Job {
  const keyring = credentialKeyring(settings);
  return {
    name: 'reencrypt-credentials',
    everyMs: 60_000,
    async run({ db }) {
      const previous = keyring.previous;
      if (!previous) return { reencrypted: 0 };
      const reencrypted = await db.transaction(async (tx) => {
        const rows = await credentialsUnderKey(tx, previous.id, BATCH);
        await reencryptCredentials(
          tx,
          rows.map((row) => {
            const aad = credentialAad(row.connectionId, row.version);
            const again = encryptSecrets(keyring, aad, decryptSecrets(keyring, row.keyId, aad, row.ciphertext));
            return { connectionId: row.connectionId, version: row.version, fromKeyId: row.keyId, keyId: again.keyId, ciphertext: again.ciphertext };
          }),
        );
        return rows.length;
      });
      return { reencrypted };
    },
  };
}
