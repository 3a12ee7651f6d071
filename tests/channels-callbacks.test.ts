// Channel callbacks end to end: a provider posts to the gateway, the gateway forwards /channels/* unchanged to the
// channels service, which verifies, stores the event once and publishes channels.payment.succeeded through its
// outbox; the orders subgraph marks the order PAID. Also: a crash between storing the event and publishing it loses
// nothing (the outbox relay publishes it after a restart), and the forward is rate-limited like other requests.
import { Database, parseConfig, startSubgraph, type RunningSubgraph } from '@retail/platform';
import { SUBGRAPHS } from '@retail/graph';
import { gatewayConfigShape, startGateway } from '../gateway/src';
import { FakeAlipay } from '../subgraphs/channels/test/fakes/alipay';
import { FakeWechatPay } from '../subgraphs/channels/test/fakes/wechatpay';
import { createTestDatabase, TEST_INTERNAL_SECRET, type TestDatabase } from '@retail/platform/testing';
import { startTestGraph, TEST_JWT_SECRET, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';
import { eventually } from './support/eventually';

let graph: TestGraph;
let database: TestDatabase;
let root: string;
const tokens: Record<string, string> = {};
const alipay = new FakeAlipay();
const wechat = new FakeWechatPay();
const ALIPAY_APP = '2021004100000001';
const WECHAT_APP = 'wxd678efh567hg6787';
const MCHID = '1900000109';
const SKU = 'sku-lng-br-2401-bk-70b'; // 299.00 at store-lng-03
let alipayConnection: string;
let wechatConnection: string;
let seq = 0;

async function ok<D>(query: string, variables: Record<string, unknown>, token: string): Promise<D> {
  const res = await graph.query<D>(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

async function placeOrder(): Promise<string> {
  const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status total { amount } } userErrors { code } } }`;
  const out = await ok<{ placeOrder: { order: { id: string; status: string; total: { amount: string } } } }>(
    PLACE,
    { input: { idempotencyKey: `e2e-channels-${++seq}`, brandId: 'brand-lng', memberId: 'mem-lng-0007', channel: 'WECHAT_MINIPROGRAM', storeId: 'store-lng-03', fulfillment: 'DELIVERY', lines: [{ skuId: SKU, quantity: 1 }] } },
    tokens.lngAdmin!,
  );
  expect(out.placeOrder.order).toMatchObject({ status: 'PENDING_PAYMENT', total: { amount: '299.00' } });
  return out.placeOrder.order.id;
}

const ORDER = `query($id: ID!) { order(id: $id) { id status paidTotal { amount } } }`;
const orderStatus = async (id: string) => (await ok<{ order: { status: string; paidTotal: { amount: string } } }>(ORDER, { id }, tokens.lngAdmin!)).order;
const paymentsOf = async (orderId: string) => (await graph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders.payment WHERE order_id = $1`, [orderId]))[0]!.n;

const CREATE = `mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id webhookUrl } userErrors { code field message } } }`;

beforeAll(async () => {
  database = await createTestDatabase('e2e-channels');
  graph = await startTestGraph({ database });
  root = graph.gatewayUrl.replace(/\/graphql$/, '');
  tokens.lngAdmin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng' });
  tokens.lngChannels = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['channels:admin'] });
  const create = async (input: Record<string, unknown>) => {
    const out = await ok<{ createChannelConnection: { connection: { id: string; webhookUrl: string } | null; userErrors: unknown[] } }>(CREATE, { input }, tokens.lngChannels!);
    expect(out.createChannelConnection.userErrors).toEqual([]);
    return out.createChannelConnection.connection!.id;
  };
  alipayConnection = await create({ channel: 'ALIPAY', brandId: 'brand-lng', appId: ALIPAY_APP, apiBaseUrl: 'http://127.0.0.1:9', secrets: { alipayPublicKey: alipay.publicKeyPem } });
  wechatConnection = await create({
    channel: 'WECHAT_PAY',
    brandId: 'brand-lng',
    appId: WECHAT_APP,
    merchantId: MCHID,
    apiBaseUrl: 'http://127.0.0.1:9',
    secrets: { apiV3Key: wechat.apiV3Key, platformKeys: [{ serial: wechat.serial, publicKey: wechat.platformPublicKeyPem }] },
  });
}, 120_000);
afterAll(async () => {
  await graph?.close();
});

test('an Alipay notify through the gateway: `success`, one ACCEPTED event, the order PAID once', async () => {
  const orderId = await placeOrder();
  const params = alipay.sign(alipay.notifyParams({ appId: ALIPAY_APP, orderId, tradeNo: '2026120122001499001', totalAmount: '299.00' }));
  const answer = await FakeAlipay.post(`${root}/channels/alipay/${alipayConnection}/notify`, FakeAlipay.formBody(params));
  expect(answer).toEqual({ status: 200, text: 'success' });
  const paid = await eventually(async () => {
    const o = await orderStatus(orderId);
    return o.status === 'PAID' ? o : null;
  }, 'orders to take the payment');
  expect(paid.paidTotal.amount).toBe('299.00');
  expect(await paymentsOf(orderId)).toBe(1);

  const EVENTS = `query($id: ID!) { channelEvents(connectionId: $id) { edges { node { status externalId eventType order { id status } } } } }`;
  const events = await ok<{ channelEvents: { edges: { node: unknown }[] } }>(EVENTS, { id: alipayConnection }, tokens.lngChannels!);
  expect(events.channelEvents.edges.map((e) => e.node)).toEqual([{ status: 'ACCEPTED', externalId: params.notify_id, eventType: 'TRADE_SUCCESS', order: { id: orderId, status: 'PAID' } }]);
});

test('a WeChat Pay notification 10 times in parallel through the gateway: 204 each time, one payment; the raw bytes arrive unchanged', async () => {
  const orderId = await placeOrder();
  // Unusual spacing and non-ASCII text: any re-serialization on the way would break the signature.
  const n = wechat.sign(wechat.body({ mchid: MCHID, appid: WECHAT_APP, orderId, transactionId: '4200000000202612010001', totalFen: 29900 }));
  const answers = await Promise.all(Array.from({ length: 10 }, () => FakeWechatPay.post(`${root}/channels/wechatpay/${wechatConnection}/notify?src=e2e`, n)));
  expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 204));
  await eventually(async () => ((await orderStatus(orderId)).status === 'PAID' ? true : null), 'orders to take the payment');
  const statuses = await graph.db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM channels.inbound_event WHERE external_id = $1 GROUP BY status ORDER BY status`,
    [JSON.parse(n.body).id],
  );
  expect(statuses).toEqual([
    { status: 'ACCEPTED', n: 1 },
    { status: 'DUPLICATE', n: 9 },
  ]);
  // Give a redelivered event time to arrive twice, if it were going to.
  await new Promise((r) => setTimeout(r, 500));
  expect(await paymentsOf(orderId)).toBe(1);
});

test('a refused notification through the gateway: 4xx {"code":"FAIL"}, the order unpaid', async () => {
  const orderId = await placeOrder();
  const n = wechat.sign(wechat.body({ mchid: MCHID, appid: WECHAT_APP, orderId, transactionId: '4200000000202612010002', totalFen: 29900 }), { timestamp: Math.floor(Date.now() / 1000) - 600 });
  const answer = await FakeWechatPay.post(`${root}/channels/wechatpay/${wechatConnection}/notify`, n);
  expect(answer.status).toBe(401);
  expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message: expect.stringMatching(/stale timestamp/) });
  expect((await orderStatus(orderId)).status).toBe('PENDING_PAYMENT');
});

test('the forward is rate-limited like other requests', async () => {
  const env: Record<string, string> = {};
  for (const [name, sg] of Object.entries(graph.subgraphs)) env[`SUBGRAPH_URL_${name.toUpperCase()}`] = `http://127.0.0.1:${sg.port}/graphql`;
  const config = parseConfig(gatewayConfigShape, { INTERNAL_SECRET: TEST_INTERNAL_SECRET, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '2' });
  const limited = await startGateway(config, { env });
  try {
    const url = `http://127.0.0.1:${limited.port}/channels/alipay/${alipayConnection}/notify`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await FakeAlipay.post(url, 'notify_id=x')).status);
    expect(statuses).toEqual([401, 401, 429]);
  } finally {
    await limited.stop();
  }
});

test('a crash after the event is stored and before it is published loses nothing: the relay publishes it after the restart', async () => {
  const orderId = await placeOrder();
  // Another replica "holds" the relay lease: the service stores the event but cannot publish it.
  await graph.db.query(
    `INSERT INTO channels.outbox_relay_lease (holder, expires_at) VALUES ('crash-test', now() + interval '1 hour')
     ON CONFLICT (singleton) DO UPDATE SET holder = 'crash-test', expires_at = now() + interval '1 hour'`,
  );
  const params = alipay.sign(alipay.notifyParams({ appId: ALIPAY_APP, orderId, tradeNo: '2026120122001499009', totalAmount: '299.00' }));
  expect(await FakeAlipay.post(`${root}/channels/alipay/${alipayConnection}/notify`, FakeAlipay.formBody(params))).toEqual({ status: 200, text: 'success' });
  const pending = await graph.db.query<{ published_at: Date | null }>(`SELECT published_at FROM channels.outbox WHERE key = $1`, [orderId]);
  expect(pending).toEqual([{ published_at: null }]);
  // The service goes down with the event stored and unpublished.
  const config = graph.subgraphs.channels!.deps.config;
  await graph.stopSubgraph('channels');
  await new Promise((r) => setTimeout(r, 300));
  expect((await orderStatus(orderId)).status).toBe('PENDING_PAYMENT');
  // The crashed holder's lease runs out; the service starts again.
  await graph.db.query(`UPDATE channels.outbox_relay_lease SET expires_at = '-infinity'`);
  const channels = SUBGRAPHS.find((s) => s.name === 'channels')!;
  const db = new Database({ url: database.url, service: 'channels', max: 5 });
  let restarted: RunningSubgraph | undefined;
  try {
    restarted = await startSubgraph(channels, { db, config, port: 0 });
    await eventually(async () => ((await orderStatus(orderId)).status === 'PAID' ? true : null), 'the restarted relay to publish and orders to take the payment');
    expect(await paymentsOf(orderId)).toBe(1);
  } finally {
    await restarted?.stop();
    await db.close();
  }
});
