import crypto from 'node:crypto';
import type { InputCheck } from '@retail/platform';
import { SECRET_NAMES, type ChannelKind, type ChannelSecrets, type PlatformKey, type SecretName } from '../model';

// The credentials each channel needs and the form each secret must have (ChannelSecretsInput): checked before
// anything is encrypted, so a connection never holds a key that cannot verify or sign.

/** The secrets a connection of the channel cannot work without. */
export const REQUIRED_SECRETS: Record<ChannelKind, readonly SecretName[]> = {
  ALIPAY: ['alipayPublicKey'],
  WECHAT_PAY: ['apiV3Key', 'platformKeys'],
  TMALL: ['appSecret'],
  JD: ['appSecret'],
  WECOM: ['appSecret'],
  WECHAT_MINIPROGRAM: ['appSecret'],
};

/** The provider's production API when the input names none. */
export const DEFAULT_API_BASE_URL: Record<ChannelKind, string> = {
  ALIPAY: 'https://openapi.alipay.com/gateway.do',
  WECHAT_PAY: 'https://api.mch.weixin.qq.com',
  TMALL: 'https://eco.taobao.com/router/rest',
  JD: 'https://api.jd.com/routerjson',
  WECOM: 'https://qyapi.weixin.qq.com',
  WECHAT_MINIPROGRAM: 'https://api.weixin.qq.com',
};

/** ChannelSecretsInput as GraphQL hands it over (absent fields may be null). */
export type ChannelSecretsInput = { [K in SecretName]?: (K extends 'platformKeys' ? PlatformKey[] : string) | null };

const isPublicKey = (pem: string) => {
  try {
    return crypto.createPublicKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
};
const isPrivateKey = (pem: string) => {
  try {
    return crypto.createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
};

/** The given secrets, checked (each fault with its path under `field`); absent and null ones are left out. */
export function checkSecrets(check: InputCheck, input: ChannelSecretsInput, field: readonly string[]): ChannelSecrets {
  const out: ChannelSecrets = {};
  const at = (name: string) => [...field, name];
  const text = (name: 'appSecret' | 'accessToken' | 'merchantCertSerial', max: number) => {
    const v = input[name];
    if (v !== null && v !== undefined && check.require(v.trim().length > 0 && v.length <= max, at(name), `must be 1 to ${max} characters`)) out[name] = v.trim();
  };
  text('appSecret', 256);
  text('accessToken', 1024);
  text('merchantCertSerial', 128);
  if (input.alipayPublicKey != null && check.require(isPublicKey(input.alipayPublicKey), at('alipayPublicKey'), 'must be an RSA public key (PEM)')) out.alipayPublicKey = input.alipayPublicKey;
  if (input.appPrivateKey != null && check.require(isPrivateKey(input.appPrivateKey), at('appPrivateKey'), 'must be an RSA private key (PEM)')) out.appPrivateKey = input.appPrivateKey;
  if (input.merchantPrivateKey != null && check.require(isPrivateKey(input.merchantPrivateKey), at('merchantPrivateKey'), 'must be an RSA private key (PEM)')) out.merchantPrivateKey = input.merchantPrivateKey;
  if (input.apiV3Key != null && check.require(Buffer.byteLength(input.apiV3Key, 'utf8') === 32, at('apiV3Key'), 'must be 32 bytes (the APIv3 key of the merchant platform)')) out.apiV3Key = input.apiV3Key;
  if (input.platformKeys != null) {
    const keys = input.platformKeys;
    check.require(keys.length > 0 && keys.length <= 10, at('platformKeys'), 'must hold 1 to 10 keys');
    const serials = new Set<string>();
    keys.forEach((k, i) => {
      check.require(/^[0-9A-Za-z]{1,64}$/.test(k.serial) && !serials.has(k.serial), [...at('platformKeys'), String(i), 'serial'], 'must be a serial (1 to 64 letters and digits), each once');
      serials.add(k.serial);
      check.require(isPublicKey(k.publicKey), [...at('platformKeys'), String(i), 'publicKey'], 'must be an RSA public key (PEM)');
    });
    out.platformKeys = keys.map((k) => ({ serial: k.serial, publicKey: k.publicKey }));
  }
  return out;
}

/** Faults for the secrets the channel needs but `secrets` lacks. */
export function requireChannelSecrets(check: InputCheck, channel: ChannelKind, secrets: ChannelSecrets, field: readonly string[]): void {
  for (const name of REQUIRED_SECRETS[channel]) check.require(secrets[name] !== undefined, [...field, name], `${channel} needs ${name}`);
}

/** The names of the secrets set, in ChannelSecretsInput order. */
export const secretNames = (secrets: ChannelSecrets): string[] => SECRET_NAMES.filter((n) => secrets[n] !== undefined);

/** A rotation: the given secrets replace theirs, the others are kept. */
export const rotatedSecrets = (current: ChannelSecrets, given: ChannelSecrets): ChannelSecrets => ({ ...current, ...given });
