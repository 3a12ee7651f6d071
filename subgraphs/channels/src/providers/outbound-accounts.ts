import type { Queryable } from '@retail/platform';
import type { CredentialKeyring } from '../domain/credential-cipher';
import type { ChannelSecrets, ConnectionRecord } from '../model';
import { connectionSecrets } from '../repo/connection-secrets';
import { connectionForCallback } from '../repo/connections';
import type { AlipayAccount } from './alipay/openapi';
import type { WechatPayAccount } from './wechatpay/api-v3';
import type { WecomAccount } from './wecom/api';

/** Why an outbound call cannot be made with a connection now (an admin can fix it: retried later). */
export class ConnectionUnusable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionUnusable';
  }
}

/**
 * A connection and its current secrets, for a job sending on its behalf. Unfenced: the job acts for the brand that
 * asked (an event of its own subgraph named the connection's brand or the connection itself); the caller checks
 * the brand. A DISABLED or missing connection, or one without current secrets, is ConnectionUnusable.
 */
export async function connectionForSending(q: Queryable, keyring: CredentialKeyring, connectionId: string): Promise<{ connection: ConnectionRecord; secrets: ChannelSecrets }> {
  const connection = await connectionForCallback(q, connectionId);
  if (!connection) throw new ConnectionUnusable(`connection ${connectionId} does not exist`);
  if (connection.status !== 'ACTIVE') throw new ConnectionUnusable(`connection ${connectionId} is DISABLED`);
  const { current } = await connectionSecrets(q, keyring, connection);
  return { connection, secrets: current };
}

/**
 * connectionForSending for one run of a job: each connection is read and its secrets decrypted once per run, however
 * many of the run's items it sends (a failure is remembered too: the run's other items of that connection fail alike).
 */
export function connectionsForSending(q: Queryable, keyring: CredentialKeyring): (connectionId: string) => Promise<{ connection: ConnectionRecord; secrets: ChannelSecrets }> {
  const seen = new Map<string, Promise<{ connection: ConnectionRecord; secrets: ChannelSecrets }>>();
  return (connectionId) => {
    let found = seen.get(connectionId);
    if (!found) {
      found = connectionForSending(q, keyring, connectionId);
      seen.set(connectionId, found);
    }
    return found;
  };
}

const need = (connection: ConnectionRecord, value: string | undefined, name: string): string => {
  if (!value) throw new ConnectionUnusable(`connection ${connection.id} lacks ${name}`);
  return value;
};

export function alipayAccount(connection: ConnectionRecord, secrets: ChannelSecrets): AlipayAccount {
  if (connection.channel !== 'ALIPAY') throw new ConnectionUnusable(`connection ${connection.id} is ${connection.channel}, not ALIPAY`);
  return {
    appId: connection.appId,
    gatewayUrl: connection.apiBaseUrl,
    appPrivateKey: need(connection, secrets.appPrivateKey, 'appPrivateKey'),
    alipayPublicKey: need(connection, secrets.alipayPublicKey, 'alipayPublicKey'),
  };
}

export function wechatPayAccount(connection: ConnectionRecord, secrets: ChannelSecrets): WechatPayAccount {
  if (connection.channel !== 'WECHAT_PAY') throw new ConnectionUnusable(`connection ${connection.id} is ${connection.channel}, not WECHAT_PAY`);
  return {
    mchid: need(connection, connection.merchantId ?? undefined, 'merchantId (mchid)'),
    baseUrl: connection.apiBaseUrl,
    merchantPrivateKey: need(connection, secrets.merchantPrivateKey, 'merchantPrivateKey'),
    merchantCertSerial: need(connection, secrets.merchantCertSerial, 'merchantCertSerial'),
    platformKeys: secrets.platformKeys ?? [],
  };
}

export function wecomAccount(connection: ConnectionRecord, secrets: ChannelSecrets): WecomAccount {
  if (connection.channel !== 'WECOM') throw new ConnectionUnusable(`connection ${connection.id} is ${connection.channel}, not WECOM`);
  return { connectionId: connection.id, corpId: connection.appId, corpSecret: need(connection, secrets.appSecret, 'appSecret'), baseUrl: connection.apiBaseUrl };
}
