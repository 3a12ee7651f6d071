// WeChat Pay v3 refund notifications (退款结果通知: REFUND.SUCCESS, .ABNORMAL, .CLOSED) at the payment notify route:
// verified like payments, then applied to the refund channels sent through the exactly-once settlement
// (src/events/refund-settled.ts): channels.refund.succeeded or channels.refund.failed once, whoever comes first.
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { applyRefundRequested } from '../src/events/refund-requested';
import { FakeWechatPay, type WechatRefundNotice } from './fakes/wechatpay';
import { callbackUrl, createConnection, WECHAT_MCHID, wechatConnectionInput } from './fixtures';
import { ordersPeer } from './orders-peer';
import { channelsOutbox } from './outbound-fixtures';

const wechat = new FakeWechatPay();
let h: SubgraphHarness;
let url: string;
let connectionId: string;

beforeAll(async () => {
  h = await startSubgraphForTest(channelsSubgraph, { peers: ordersPeer([]).peers });
  const c = await createConnection(h, wechatConnectionInput(wechat));
  connectionId = c.id;
  url = callbackUrl(h, c.webhookUrl);
}, 30_000);
afterAll(() => h?.close());

/** orders asked for the refund (orders.refund.requested), as the consumer records it. */
const askRefund = (refundId: string, orderId: string, amountFen = 2500) =>
  h.db.transaction((tx) =>
    applyRefundRequested(tx, { refundId, orderId, brandId: 'brand-lng', provider: 'WECHAT_PAY', providerTransactionId: `4200-${orderId}`, amountFen, paidFen: 10000, currency: 'CNY', reason: 'size', requestedAt: '2026-12-01T10:00:00+08:00' }),
  );
const notice = (outRefundNo: string, orderId: string, over: Partial<WechatRefundNotice> = {}): WechatRefundNotice => ({
  mchid: WECHAT_MCHID,
  orderId,
  transactionId: `4200-${orderId}`,
  outRefundNo,
  refundId: `50300${outRefundNo.replace(/\D/g, '')}`,
  status: 'SUCCESS',
  totalFen: 10000,
  refundFen: 2500,
  ...over,
});
const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;
const eventsOf = (externalId: string) =>
  h.db.query<{ status: string; error: string | null; eventType: string }>(`SELECT status, error, event_type AS "eventType" FROM channels.inbound_event WHERE external_id = $1 ORDER BY received_at`, [externalId]);
const refundRow = async (refundId: string) =>
  (await h.db.query<{ status: string; providerRefundNo: string | null; connectionId: string | null }>(
    `SELECT status, provider_refund_no AS "providerRefundNo", connection_id AS "connectionId" FROM channels.outbound_refund WHERE refund_id = $1`,
    [refundId],
  ))[0];

test('a valid REFUND.SUCCESS is answered 204 and settles the refund: one channels.refund.succeeded with refund_id', async () => {
  await askRefund('rfd-wn1', 'ord-wn1');
  const n = wechat.sign(wechat.refundBody(notice('rfd-wn1', 'ord-wn1')));
  expect(await FakeWechatPay.post(url, n)).toEqual({ status: 204, text: '' });
  expect(await eventsOf(idOf(n.body))).toEqual([{ status: 'ACCEPTED', error: null, eventType: 'REFUND.SUCCESS' }]);
  expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-wn1')).toEqual([
    { eventId: 'refund:rfd-wn1', connectionId, provider: 'WECHAT_PAY', orderId: 'ord-wn1', providerRefundNo: '503001', amountFen: 2500, currency: 'CNY', refundedAt: '2026-12-01T02:15:00.000Z', refundId: 'rfd-wn1' },
  ]);
  expect(await refundRow('rfd-wn1')).toEqual({ status: 'SUCCEEDED', providerRefundNo: '503001', connectionId });
});

test('the same refund notification 10 times in parallel, and again under a new notification id: 204 each time, one event', async () => {
  await askRefund('rfd-wn2', 'ord-wn2');
  const n = wechat.sign(wechat.refundBody(notice('rfd-wn2', 'ord-wn2')));
  const answers = await Promise.all(Array.from({ length: 10 }, () => FakeWechatPay.post(url, n)));
  expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 10 }, () => 204));
  const events = await eventsOf(idOf(n.body));
  expect(events.filter((e) => e.status === 'ACCEPTED')).toHaveLength(1);
  expect(events.filter((e) => e.status === 'DUPLICATE')).toHaveLength(9);
  const again = wechat.sign(wechat.refundBody(notice('rfd-wn2', 'ord-wn2')));
  expect((await FakeWechatPay.post(url, again)).status).toBe(204);
  expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-wn2')).toHaveLength(1);
  expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-wn2')).toEqual([]);
});

test('tampered (a byte of the body changed after signing) or another amount: REJECTED, the refund still PENDING, nothing published', async () => {
  await askRefund('rfd-wn3', 'ord-wn3');
  const n = wechat.sign(wechat.refundBody(notice('rfd-wn3', 'ord-wn3')));
  const tampered = { ...n, body: n.body.replace('"REFUND.SUCCESS"', '"REFUND.SUCCESS" ') };
  const answer = await FakeWechatPay.post(url, tampered);
  expect(answer.status).toBe(401);
  expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message: expect.stringMatching(/bad signature/) });
  expect(await eventsOf(idOf(n.body))).toEqual([{ status: 'REJECTED', error: expect.stringMatching(/bad signature/), eventType: 'REFUND.SUCCESS' }]);
  const other = wechat.sign(wechat.refundBody(notice('rfd-wn3', 'ord-wn3', { refundFen: 2600 })));
  expect((await FakeWechatPay.post(url, other)).status).toBe(400);
  expect(await eventsOf(idOf(other.body))).toEqual([{ status: 'REJECTED', error: expect.stringMatching(/amount mismatch/), eventType: 'REFUND.SUCCESS' }]);
  expect(await refundRow('rfd-wn3')).toMatchObject({ status: 'PENDING', providerRefundNo: null });
  expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-wn3')).toEqual([]);
  expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-wn3')).toEqual([]);
});

test('REFUND.ABNORMAL and REFUND.CLOSED refuse the refund for good: one channels.refund.failed each, a later SUCCESS changes nothing', async () => {
  await askRefund('rfd-wn4', 'ord-wn4');
  await askRefund('rfd-wn5', 'ord-wn5');
  const abnormal = wechat.sign(wechat.refundBody(notice('rfd-wn4', 'ord-wn4', { status: 'ABNORMAL' })));
  const answers = await Promise.all(Array.from({ length: 5 }, () => FakeWechatPay.post(url, abnormal)));
  expect(answers.map((a) => a.status)).toEqual([204, 204, 204, 204, 204]);
  expect((await FakeWechatPay.post(url, wechat.sign(wechat.refundBody(notice('rfd-wn5', 'ord-wn5', { status: 'CLOSED' }))))).status).toBe(204);
  expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-wn4')).toEqual([
    { eventId: 'refund-failed:rfd-wn4', connectionId, provider: 'WECHAT_PAY', orderId: 'ord-wn4', refundId: 'rfd-wn4', reason: expect.stringContaining('REFUND.ABNORMAL'), failedAt: expect.any(String) },
  ]);
  expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-wn5')).toEqual([expect.objectContaining({ refundId: 'rfd-wn5', reason: expect.stringContaining('REFUND.CLOSED') })]);
  expect(await refundRow('rfd-wn4')).toMatchObject({ status: 'REFUSED' });
  // A success notified after the refusal (out of order) does not settle what was refused.
  expect((await FakeWechatPay.post(url, wechat.sign(wechat.refundBody(notice('rfd-wn4', 'ord-wn4'))))).status).toBe(204);
  expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-wn4')).toEqual([]);
  expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-wn4')).toHaveLength(1);
});

test('a refund channels never sent (made at the provider directly) is stored and changes nothing', async () => {
  const n = wechat.sign(wechat.refundBody(notice('rfd-elsewhere', 'ord-wn6')));
  expect((await FakeWechatPay.post(url, n)).status).toBe(204);
  expect(await eventsOf(idOf(n.body))).toEqual([{ status: 'ACCEPTED', error: null, eventType: 'REFUND.SUCCESS' }]);
  expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-wn6')).toEqual([]);
});
