import crypto from 'node:crypto';

// WeChat Pay API v3 signatures and notification resources: SHA256-RSA (PKCS#1 v1.5) over the message
// `timestamp\nnonce\nbody\n` with the raw body bytes, base64; resources AEAD_AES_256_GCM under the APIv3 key.

/** The message a WeChat Pay notification (or answer) is signed over: the body's raw bytes, never re-serialized JSON. */
export function wechatpayMessage(timestamp: string, nonce: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), body, Buffer.from('\n', 'utf8')]);
}

/** The message of a request we send: `METHOD\nurl path?query\ntimestamp\nnonce\nbody\n`. */
export function wechatpayRequestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): Buffer {
  return Buffer.from(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`, 'utf8');
}

export function signWechatpay(message: Buffer, privateKeyPem: string): string {
  return crypto.sign('sha256', message, privateKeyPem).toString('base64');
}

/** Whether the base64 signature is SHA256-RSA of `message` under the public key; anything malformed is false. */
export function verifyWechatpay(message: Buffer, signature: string, publicKeyPem: string): boolean {
  try {
    return crypto.verify('sha256', message, publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A notification's encrypted resource. */
export interface WechatpayResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

/**
 * The resource's plaintext: AES-256-GCM with the APIv3 key (its 32 bytes), the nonce as IV, associated_data as AAD,
 * the last 16 bytes of the base64 ciphertext as the tag. Null when it does not decrypt (wrong key, altered bytes).
 */
export function decryptResource(apiV3Key: string, resource: WechatpayResource): string | null {
  try {
    const key = Buffer.from(apiV3Key, 'utf8');
    const data = Buffer.from(resource.ciphertext, 'base64');
    if (key.length !== 32 || data.length < 17 || resource.algorithm !== 'AEAD_AES_256_GCM') return null;
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
