import crypto from 'node:crypto';
import type { ChannelSecrets } from '../model';

// The connections' credentials at rest: AES-256-GCM under a key derived from CHANNEL_SECRET_KEY (HKDF-SHA256), each
// ciphertext bound to its row (connection id and version as associated data, so a blob copied to another row does not
// decrypt) and labelled with the key's id, so a rotation of CHANNEL_SECRET_KEY knows which key a row needs.

/** One encryption key and its public id (a fingerprint: it tells keys apart without revealing them). */
export interface CipherKey {
  id: string;
  key: Buffer;
}

/** The current key (encrypts) and, during a rotation of CHANNEL_SECRET_KEY, the previous one (still decrypts). */
export interface CredentialKeyring {
  current: CipherKey;
  previous: CipherKey | null;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AES-256 key derived from a CHANNEL_SECRET_KEY value, with its id. */
export function cipherKey(secret: string): CipherKey {
  const key = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('retail/channels'), Buffer.from('channel-credentials/v1'), 32));
  return { id: `k1-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 16)}`, key };
}

export function credentialKeyring(settings: { CHANNEL_SECRET_KEY: string; CHANNEL_SECRET_KEY_PREVIOUS?: string | undefined }): CredentialKeyring {
  const previous = settings.CHANNEL_SECRET_KEY_PREVIOUS ? cipherKey(settings.CHANNEL_SECRET_KEY_PREVIOUS) : null;
  const current = cipherKey(settings.CHANNEL_SECRET_KEY);
  return { current, previous: previous && previous.id !== current.id ? previous : null };
}

/** What a ciphertext is bound to: its row. */
export const credentialAad = (connectionId: string, version: number) => `channels.credential:${connectionId}:${version}`;

/** Encrypts secrets under the current key: iv | tag | ciphertext. */
export function encryptSecrets(keyring: CredentialKeyring, aad: string, secrets: ChannelSecrets): { keyId: string; ciphertext: Buffer } {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyring.current.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return { keyId: keyring.current.id, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]) };
}

/** A credential encrypted under a key this process does not hold (CHANNEL_SECRET_KEY changed without _PREVIOUS). */
export class UnknownCredentialKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`credential encrypted under key ${keyId}, which is neither CHANNEL_SECRET_KEY nor CHANNEL_SECRET_KEY_PREVIOUS`);
  }
}

/** Decrypts with the key the row names; a tampered ciphertext or a foreign row throws. */
export function decryptSecrets(keyring: CredentialKeyring, keyId: string, aad: string, ciphertext: Buffer): ChannelSecrets {
  const key = keyId === keyring.current.id ? keyring.current : keyId === keyring.previous?.id ? keyring.previous : null;
  if (!key) throw new UnknownCredentialKeyError(keyId);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key.key, ciphertext.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(ciphertext.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const text = Buffer.concat([decipher.update(ciphertext.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  return JSON.parse(text) as ChannelSecrets;
}
