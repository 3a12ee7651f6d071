// WeChat Pay v3 payment notifications at POST /channels/wechatpay/:connectionId/notify: signature over the raw body
// with the platform key Wechatpay-Serial names, timestamp within 5 minutes, no signature probes, the resource
// decrypted (AEAD_AES_256_GCM, tag checked) and checked against the connection and the order; stored once.
import crypto from 'node:crypto';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { FakeWechatPay, type WechatTransaction } from './fakes/wechatpay';
import { callbackUrl, createConnection, WECHAT_APP_ID, WECHAT_MCHID, wechatConnectionInput } from './fixtures';
import { ordersPeer } from './orders-peer';

const wechat = new FakeWechatPay();
const orders = ordersPeer([
  { id: 'ord-wx-1', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 19900, paidFen: 0, currency: 'CNY' },
  { id: 'ord-wx-2', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 3300, paidFen: 0, currency: 'CNY' },
  { id: 'ord-wx-3', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 4200, paidFen: 0, currency: 'CNY' },
]);
let h: SubgraphHarness;
let url: string;

const tx = (orderId: string, totalFen: number): WechatTransaction => ({ mchid: WECHAT_MCHID, appid: WECHAT_APP_ID, orderId, transactionId: `4200000${crypto.randomInt(1e9)}`, totalFen });
const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;

async function eventsOf(externalId: string) {
  return h.db.query<{ status: string; error: string | null }>(`SELECT status, error FROM channels.inbound_event WHERE external_id = $1 ORDER BY received_at`, [externalId]);
}
async function paymentsPublished(orderId: string) {
  return h.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM channels.outbox WHERE topic = 'channels.payment.succeeded' AND key = $1`, [orderId]);
}

beforeAll(async () => {
  h = await startSubgraphForTest(channelsSubgraph, { peers: orders.peers });
  const c = await createConnection(h, wechatConnectionInput(wechat));
  url = callbackUrl(h, c.webhookUrl);
}, 30_000);
afterAll(() => h?.close());

test('a valid notification is answered 204 after one ACCEPTED event and one payment event', async () => {
  const t = tx('ord-wx-1', 19900);
  const n = wechat.sign(wechat.body(t));
  const answer = await FakeWechatPay.post(url, n);
  expect(answer).toEqual({ status: 204, text: '' });
  expect(await eventsOf(idOf(n.body))).toEqual([{ status: 'ACCEPTED', error: null }]);
  const published = await paymentsPublished('ord-wx-1');
  expect(published.map((p) => p.payload)).toEqual([
    expect.objectContaining({ provider: 'WECHAT_PAY', orderId: 'ord-wx-1', providerTradeNo: t.transactionId, amountFen: 19900, currency: 'CNY', paidAt: '2026-12-01T09:30:04+08:00' }),
  ]);
});

test('the same notification 10 times in parallel: 204 each time, one effect', async () => {
  const n = wechat.sign(wechat.body(tx('ord-wx-2', 3300)));
  const answers = await Promise.all(Array.from({ length: 10 }, () => FakeWechatPay.post(url, n)));
  expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 204));
  const events = await eventsOf(idOf(n.body));
  expect(events.filter((e) => e.status === 'ACCEPTED')).toHaveLength(1);
  expect(events.filter((e) => e.status === 'DUPLICATE')).toHaveLength(9);
  expect(await paymentsPublished('ord-wx-2')).toHaveLength(1);
});

describe('refused: 4xx with {"code":"FAIL"}, a REJECTED event with the reason, no effect', () => {
  const rejected = async (n: { headers: Record<string, string>; body: string }, reason: RegExp) => {
    const answer = await FakeWechatPay.post(url, n);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message: expect.stringMatching(reason) });
    expect(await eventsOf(idOf(n.body))).toEqual([{ status: 'REJECTED', error: expect.stringMatching(reason) }]);
    expect(await paymentsPublished('ord-wx-3')).toHaveLength(0);
  };

  test('stale timestamp (6 minutes old)', () => rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200)), { timestamp: Math.floor(Date.now() / 1000) - 360 }), /stale timestamp/));

  test('a timestamp 6 minutes ahead', () => rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200)), { timestamp: Math.floor(Date.now() / 1000) + 360 }), /stale timestamp/));

  test('signed by another key', () => rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200)), { privateKey: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }), /bad signature/));

  test('wrong serial', () => rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200)), { serial: 'ABCDEF0123456789' }), /wrong serial/));

  test('a signature probe (WECHATPAY/SIGNTEST/)', () => rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200)), { signature: 'WECHATPAY/SIGNTEST/' + crypto.randomBytes(32).toString('base64') }), /SIGNTEST/));

  test('the body changed after signing (one byte of its whitespace)', async () => {
    const n = wechat.sign(wechat.body(tx('ord-wx-3', 4200)));
    await rejected({ ...n, body: n.body.replace('\n', '\n ') }, /bad signature/);
  });

  test('a flipped ciphertext bit (signed after the flip: only the tag check can tell)', async () => {
    const resource = wechat.resource(tx('ord-wx-3', 4200));
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[5] = bytes[5]! ^ 0x01;
    await rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200), { resource: { ...resource, ciphertext: bytes.toString('base64') } })), /does not decrypt/);
  });

  test('the associated data changed (it is the AAD)', async () => {
    const resource = wechat.resource(tx('ord-wx-3', 4200));
    await rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200), { resource: { ...resource, associated_data: 'refund' } })), /does not decrypt/);
  });

  test('encrypted under another APIv3 key', async () => {
    await rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4200), { resource: wechat.resource(tx('ord-wx-3', 4200), crypto.randomBytes(16).toString('hex')) })), /does not decrypt/);
  });

  test('another merchant (mchid), correctly signed and encrypted', () => rejected(wechat.sign(wechat.body({ ...tx('ord-wx-3', 4200), mchid: '1900000999' })), /mchid/));

  test('another appid', () => rejected(wechat.sign(wechat.body({ ...tx('ord-wx-3', 4200), appid: 'wx0000000000000000' })), /appid/));

  test('the amount is not the order total', () => rejected(wechat.sign(wechat.body(tx('ord-wx-3', 4100))), /amount mismatch/));
});

test('orders unreachable: 503 with {"code":"FAIL"} and a FAILED event; the retry is ACCEPTED', async () => {
  orders.orders.push({ id: 'ord-wx-4', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 1000, paidFen: 0, currency: 'CNY' });
  const body = wechat.body(tx('ord-wx-4', 1000));
  orders.state.down = true;
  const answer = await FakeWechatPay.post(url, wechat.sign(body));
  expect(answer.status).toBe(503);
  expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message: expect.stringMatching(/orders could not answer/) });
  expect(await eventsOf(idOf(body))).toEqual([{ status: 'FAILED', error: expect.stringMatching(/orders could not answer/) }]);
  orders.state.down = false;
  expect((await FakeWechatPay.post(url, wechat.sign(body))).status).toBe(204);
  expect(await eventsOf(idOf(body))).toEqual([{ status: 'ACCEPTED', error: null }]);
  expect(await paymentsPublished('ord-wx-4')).toHaveLength(1);
});
