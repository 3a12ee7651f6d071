import type { SubgraphHarness, TestViewer } from '@retail/platform/testing';
import { as } from './callers';
import type { FakeAlipay } from './fakes/alipay';
import type { FakeWechatPay } from './fakes/wechatpay';

export const ALIPAY_APP_ID = '2021004100000001';
export const WECHAT_APP_ID = 'wxd678efh567hg6787';
export const WECHAT_MCHID = '1900000109';

const CREATE = `mutation($input: CreateChannelConnectionInput!) {
  createChannelConnection(input: $input) { connection { id channel appId merchantId status configuredSecrets webhookUrl } userErrors { code field message } }
}`;

export interface CreatedConnection {
  id: string;
  webhookUrl: string;
}

/** Creates a connection through the graph and returns it (fails the test on userErrors). */
export async function createConnection(h: SubgraphHarness, input: Record<string, unknown>, caller: TestViewer = as.lngChannelsAdmin): Promise<CreatedConnection> {
  const data = await h.data<{ createChannelConnection: { connection: CreatedConnection | null; userErrors: unknown[] } }>(caller, CREATE, { input });
  if (!data.createChannelConnection.connection) throw new Error(`createChannelConnection failed: ${JSON.stringify(data.createChannelConnection.userErrors)}`);
  return data.createChannelConnection.connection;
}

export const alipayConnectionInput = (alipay: FakeAlipay, apiBaseUrl = 'http://127.0.0.1:9/gateway.do') => ({
  channel: 'ALIPAY',
  brandId: 'brand-lng',
  appId: ALIPAY_APP_ID,
  merchantId: '2088101106499364',
  apiBaseUrl,
  secrets: { alipayPublicKey: alipay.publicKeyPem },
});

export const wechatConnectionInput = (wechat: FakeWechatPay, apiBaseUrl = 'http://127.0.0.1:9') => ({
  channel: 'WECHAT_PAY',
  brandId: 'brand-lng',
  appId: WECHAT_APP_ID,
  merchantId: WECHAT_MCHID,
  apiBaseUrl,
  secrets: { apiV3Key: wechat.apiV3Key, platformKeys: [{ serial: wechat.serial, publicKey: wechat.platformPublicKeyPem }] },
});

/** The service's root URL (the harness's url ends in /graphql) plus a callback path. */
export const callbackUrl = (h: SubgraphHarness, path: string) => h.url.replace(/\/graphql$/, '') + path;
