// Channel connections: created, rotated and disabled by the platform and the brand's admins holding channels:admin,
// fenced for every other role on every path, their secrets write-only (encrypted at rest, never in the graph).
import crypto from 'node:crypto';
import { errorCodes, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { cipherKey } from '../src/domain/credential-cipher';
import { as } from './callers';
import { FakeAlipay } from './fakes/alipay';
import { FakeWechatPay } from './fakes/wechatpay';
import { ALIPAY_APP_ID, alipayConnectionInput, callbackUrl, createConnection, wechatConnectionInput } from './fixtures';
import { ordersPeer } from './orders-peer';

const alipay = new FakeAlipay();
const wechat = new FakeWechatPay();
const orders = ordersPeer([{ id: 'ord-rot-1', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 100, paidFen: 0, currency: 'CNY' }]);
let h: SubgraphHarness;
let aliId: string;
let wxId: string;

const CONNECTION = `query($id: ID!) { channelConnection(id: $id) { id channel appId merchantId apiBaseUrl status configuredSecrets secretsUpdatedAt previousSecretsAcceptedUntil webhookUrl brand { id } store { id } } }`;
const CONNECTIONS = `query($brandId: ID!) { channelConnections(brandId: $brandId) { totalCount edges { node { id channel } } } }`;
const EVENTS = `query($id: ID!, $status: ChannelEventStatus) { channelEvents(connectionId: $id, status: $status) { edges { node { id status externalId eventType error connection { id } order { id } } } pageInfo { hasNextPage } } }`;
const ROTATE = `mutation($input: RotateChannelSecretInput!) { rotateChannelSecret(input: $input) { connection { id configuredSecrets previousSecretsAcceptedUntil } userErrors { code field message } } }`;
const CREATE = `mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id } userErrors { code field message } } }`;

beforeAll(async () => {
  h = await startSubgraphForTest(channelsSubgraph, { peers: orders.peers });
  aliId = (await createConnection(h, alipayConnectionInput(alipay))).id;
  wxId = (await createConnection(h, wechatConnectionInput(wechat))).id;
}, 30_000);
afterAll(() => h?.close());

describe('createChannelConnection', () => {
  test('returns the connection without any secret, and names the secrets set', async () => {
    const data = await h.data<{ channelConnection: Record<string, unknown> }>(as.lngChannelsAdmin, CONNECTION, { id: wxId });
    expect(data.channelConnection).toEqual({
      id: wxId,
      channel: 'WECHAT_PAY',
      appId: 'wxd678efh567hg6787',
      merchantId: '1900000109',
      apiBaseUrl: 'http://127.0.0.1:9',
      status: 'ACTIVE',
      configuredSecrets: ['apiV3Key', 'platformKeys'],
      secretsUpdatedAt: expect.any(String),
      previousSecretsAcceptedUntil: null,
      webhookUrl: `/channels/wechatpay/${wxId}/notify`,
      brand: { id: 'brand-lng' },
      store: null,
    });
  });

  test('checks every field at once: channel needs, key forms, the URL', async () => {
    const res = await h.data<{ createChannelConnection: { userErrors: { code: string; field: string[] }[] } }>(as.lngChannelsAdmin, CREATE, {
      input: { channel: 'WECHAT_PAY', brandId: 'brand-lng', appId: ' ', apiBaseUrl: 'ftp://x', secrets: { apiV3Key: 'short', platformKeys: [{ serial: 'S1', publicKey: 'not a key' }] } },
    });
    expect(res.createChannelConnection.userErrors.map((e) => e.field.join('.')).sort()).toEqual(
      ['input.apiBaseUrl', 'input.appId', 'input.merchantId', 'input.secrets.apiV3Key', 'input.secrets.apiV3Key', 'input.secrets.platformKeys.0.publicKey'].sort(),
    );
  });

  test('the same ACTIVE account twice is ALREADY_EXISTS', async () => {
    const res = await h.data<{ createChannelConnection: { userErrors: { code: string }[] } }>(as.lngChannelsAdmin, CREATE, { input: alipayConnectionInput(alipay) });
    expect(res.createChannelConnection.userErrors.map((e) => e.code)).toEqual(['ALREADY_EXISTS']);
  });

  test("another brand's admin may not connect this brand's channels; roles without channels:admin are refused", async () => {
    const input = { ...alipayConnectionInput(alipay), appId: '2021004100000555' };
    const foreign = await h.data<{ createChannelConnection: { userErrors: { code: string }[] } }>(as.csmChannelsAdmin, CREATE, { input });
    expect(foreign.createChannelConnection.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    const franchisee = await h.data<{ createChannelConnection: { userErrors: { code: string }[] } }>(as.lngFranchiseeChannels, CREATE, { input });
    expect(franchisee.createChannelConnection.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(as.lngAdmin, CREATE, { input }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(as.anonymous, CREATE, { input }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('fencing', () => {
  test.each([
    ['another brand', as.csmChannelsAdmin],
    ['a franchisee of the brand', as.lngFranchiseeChannels],
    ['store staff of the brand', as.lngStaffChannels],
    ['a member of the brand', as.lngMember],
  ])('%s sees no connection and no event, on every path', async (_who, caller) => {
    expect((await h.data<{ channelConnection: unknown }>(caller, CONNECTION, { id: aliId })).channelConnection).toBeNull();
    expect((await h.data<{ channelConnections: { totalCount: number } }>(caller, CONNECTIONS, { brandId: 'brand-lng' })).channelConnections.totalCount).toBe(0);
    expect((await h.data<{ channelEvents: { edges: unknown[] } }>(caller, EVENTS, { id: aliId })).channelEvents.edges).toEqual([]);
    const rotate = await h.data<{ rotateChannelSecret: { userErrors: { code: string }[] } }>(caller, ROTATE, { input: { connectionId: aliId, secrets: { alipayPublicKey: alipay.publicKeyPem } } });
    expect(rotate.rotateChannelSecret.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  test('the brand admin without channels:admin is FORBIDDEN; anonymous UNAUTHENTICATED', async () => {
    expect(errorCodes(await h.gql(as.lngAdmin, CONNECTION, { id: aliId }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(as.anonymous, CONNECTIONS, { brandId: 'brand-lng' }))).toEqual(['UNAUTHENTICATED']);
  });

  test('the brand admin and the platform see them, brand-wide ones first', async () => {
    const mine = await h.data<{ channelConnections: { totalCount: number; edges: { node: { id: string } }[] } }>(as.lngChannelsAdmin, CONNECTIONS, { brandId: 'brand-lng' });
    // The demo's DISABLED Tmall and JD shops were connected first (seeded), then this test's.
    expect(mine.channelConnections.edges.map((e) => e.node.id)).toEqual(['chc-demo-lng-jd', 'chc-demo-lng-tmall', aliId, wxId]);
    expect((await h.data<{ channelConnection: { id: string } }>(as.platform, CONNECTION, { id: aliId })).channelConnection.id).toBe(aliId);
  });
});

describe('secrets are write-only', () => {
  test('no field of the graph can return a secret', async () => {
    const intro = await h.data<{ __type: { fields: { name: string }[] } }>(as.platform, `{ __type(name: "ChannelConnection") { fields { name } } }`);
    const names = intro.__type.fields.map((f) => f.name);
    for (const secret of ['appSecret', 'accessToken', 'appPrivateKey', 'alipayPublicKey', 'merchantPrivateKey', 'apiV3Key', 'platformKeys', 'secrets', 'credentials']) expect(names).not.toContain(secret);
  });

  test('at rest they are AES-256-GCM ciphertext under CHANNEL_SECRET_KEY, with the key id recorded', async () => {
    const rows = await h.db.query<{ key_id: string; ciphertext: Buffer }>(`SELECT key_id, ciphertext FROM channels.credential WHERE connection_id = $1`, [wxId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).toBe(cipherKey('dev-channel-secret-key-change-me').id);
    const stored = rows[0]!.ciphertext.toString('latin1');
    expect(stored).not.toContain(wechat.apiV3Key);
    expect(stored).not.toContain('BEGIN PUBLIC KEY');
    const all = JSON.stringify(await h.db.query(`SELECT * FROM channels.connection`));
    expect(all).not.toContain(wechat.apiV3Key);
  });
});

describe('rotateChannelSecret', () => {
  const notify = (fake: FakeAlipay, url: string) => {
    const params = fake.sign(fake.notifyParams({ appId: ALIPAY_APP_ID, orderId: 'ord-rot-1', tradeNo: `T${crypto.randomInt(1e9)}`, totalAmount: '1.00', tradeStatus: 'TRADE_CLOSED' }));
    return FakeAlipay.post(url, FakeAlipay.formBody(params));
  };

  test("the new key verifies at once; the replaced one during the overlap; with overlap 0 it stops at once", async () => {
    const url = callbackUrl(h, `/channels/alipay/${aliId}/notify`);
    const next = new FakeAlipay();
    expect((await notify(next, url)).text).toBe('fail');
    const res = await h.data<{ rotateChannelSecret: { connection: { configuredSecrets: string[]; previousSecretsAcceptedUntil: string } } }>(as.lngChannelsAdmin, ROTATE, {
      input: { connectionId: aliId, secrets: { alipayPublicKey: next.publicKeyPem, appPrivateKey: next.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, overlapMinutes: 60 },
    });
    expect(res.rotateChannelSecret.connection.configuredSecrets).toEqual(['appPrivateKey', 'alipayPublicKey']);
    const until = Date.parse(res.rotateChannelSecret.connection.previousSecretsAcceptedUntil);
    expect(until - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(until - Date.now()).toBeLessThan(61 * 60_000);
    expect((await notify(next, url)).text).toBe('success');
    expect((await notify(alipay, url)).text).toBe('success');
    // Rotate again with no overlap: only the newest key verifies.
    const third = new FakeAlipay();
    await h.data(as.lngChannelsAdmin, ROTATE, { input: { connectionId: aliId, secrets: { alipayPublicKey: third.publicKeyPem }, overlapMinutes: 0 } });
    expect((await notify(third, url)).text).toBe('success');
    expect((await notify(next, url)).text).toBe('fail');
    expect((await notify(alipay, url)).text).toBe('fail');
    const versions = await h.db.query<{ version: number }>(`SELECT version FROM channels.credential WHERE connection_id = $1 ORDER BY version`, [aliId]);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  test('a WeChat Pay APIv3 key rotation: both keys decrypt during the overlap', async () => {
    const url = callbackUrl(h, `/channels/wechatpay/${wxId}/notify`);
    const newKey = crypto.randomBytes(16).toString('hex');
    await h.data(as.lngChannelsAdmin, ROTATE, { input: { connectionId: wxId, secrets: { apiV3Key: newKey } } });
    const tx = { mchid: '1900000109', appid: 'wxd678efh567hg6787', orderId: 'ord-rot-1', transactionId: 'T1', totalFen: 100, tradeState: 'CLOSED' };
    const withOld = wechat.sign(wechat.body(tx, { resource: wechat.resource(tx), eventType: 'TRANSACTION.CLOSED' }));
    const withNew = wechat.sign(wechat.body(tx, { resource: wechat.resource(tx, newKey), eventType: 'TRANSACTION.CLOSED' }));
    expect((await FakeWechatPay.post(url, withOld)).status).toBe(204);
    expect((await FakeWechatPay.post(url, withNew)).status).toBe(204);
  });

  test('names at least one secret, a valid overlap, and keeps the channel complete', async () => {
    const res = await h.data<{ rotateChannelSecret: { userErrors: { field: string[] }[] } }>(as.lngChannelsAdmin, ROTATE, { input: { connectionId: wxId, secrets: {}, overlapMinutes: -1 } });
    expect(res.rotateChannelSecret.userErrors.map((e) => e.field.join('.'))).toEqual(['input.secrets', 'input.overlapMinutes']);
  });
});

test('channelEvents: newest first, by status, with a constant number of statements', async () => {
  const url = callbackUrl(h, `/channels/wechatpay/${wxId}/notify`);
  const bad = () => FakeWechatPay.post(url, wechat.sign(wechat.body({ mchid: '1900000109', appid: 'x', orderId: 'o', transactionId: 't', totalFen: 1 }), { serial: 'NOPE' }));
  const count = async () => (await h.countStatements(as.lngChannelsAdmin, EVENTS, { id: wxId, status: 'REJECTED' })).statements;
  for (let i = 0; i < 3; i++) await bad();
  const few = await count();
  for (let i = 0; i < 30; i++) await bad();
  expect(await count()).toBe(few);
  // The page, then every event's connection in one statement.
  expect(few).toBe(2);
  const page = await h.data<{ channelEvents: { edges: { node: { status: string; error: string; connection: { id: string } } }[]; pageInfo: { hasNextPage: boolean } } }>(as.lngChannelsAdmin, EVENTS, { id: wxId, status: 'REJECTED' });
  expect(page.channelEvents.edges).toHaveLength(20);
  expect(page.channelEvents.pageInfo.hasNextPage).toBe(true);
  expect(new Set(page.channelEvents.edges.map((e) => e.node.status))).toEqual(new Set(['REJECTED']));
  expect(page.channelEvents.edges[0]!.node).toEqual(expect.objectContaining({ error: 'wrong serial: no platform key NOPE', connection: { id: wxId } }));
});

test('channelConnections costs the same statements for 5 connections and for 50', async () => {
  const insert = (from: number, to: number) =>
    h.db.query(
      `INSERT INTO channels.connection (id, channel, brand_id, app_id, api_base_url, configured_secrets)
       SELECT 'chc-bulk-' || n, 'TMALL', 'brand-csm', 'app-' || n, 'http://127.0.0.1:9', '{appSecret}' FROM generate_series($1::int, $2::int) AS n`,
      [from, to],
    );
  const Q = `query($brandId: ID!) { channelConnections(brandId: $brandId, first: 100) { totalCount edges { node { id status configuredSecrets previousSecretsAcceptedUntil webhookUrl brand { id } } } } }`;
  await insert(1, 5);
  const five = await h.countStatements<{ channelConnections: { totalCount: number } }>(as.csmChannelsAdmin, Q, { brandId: 'brand-csm' });
  await insert(6, 50);
  const fifty = await h.countStatements<{ channelConnections: { totalCount: number } }>(as.csmChannelsAdmin, Q, { brandId: 'brand-csm' });
  expect([five.res.data?.channelConnections.totalCount, fifty.res.data?.channelConnections.totalCount]).toEqual([5, 50]);
  expect(fifty.statements).toBe(five.statements);
  expect(five.statements).toBe(1);
});
