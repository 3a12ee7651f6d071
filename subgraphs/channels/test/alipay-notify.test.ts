// Alipay's asynchronous notifications at POST /channels/alipay/:connectionId/notify: verified (RSA2), checked
// against the order, stored once with what became of them, and an accepted payment goes to the outbox once.
import crypto from 'node:crypto';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { as } from './callers';
import { FakeAlipay } from './fakes/alipay';
import { ALIPAY_APP_ID, alipayConnectionInput, callbackUrl, createConnection } from './fixtures';
import { ordersPeer } from './orders-peer';

const alipay = new FakeAlipay();
const orders = ordersPeer([
  { id: 'ord-ali-1', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 8800, paidFen: 0, currency: 'CNY' },
  { id: 'ord-ali-2', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 12050, paidFen: 0, currency: 'CNY' },
  { id: 'ord-ali-3', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 100, paidFen: 0, currency: 'CNY' },
  { id: 'ord-ali-4', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 999, paidFen: 0, currency: 'CNY' },
  { id: 'ord-ali-5', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 500, paidFen: 0, currency: 'CNY' },
  { id: 'ord-csm-1', brandId: 'brand-csm', status: 'PENDING_PAYMENT', totalFen: 500, paidFen: 0, currency: 'CNY' },
]);
let h: SubgraphHarness;
let url: string;
let connectionId: string;

const trade = (orderId: string, totalAmount: string, tradeNo = `2026120122001${crypto.randomInt(1e9)}`) => ({ appId: ALIPAY_APP_ID, orderId, tradeNo, totalAmount });

async function eventsOf(externalId: string) {
  return h.db.query<{ status: string; error: string | null; order_id: string | null }>(`SELECT status, error, order_id FROM channels.inbound_event WHERE external_id = $1 ORDER BY received_at`, [externalId]);
}
async function paymentsPublished(orderId: string) {
  return h.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM channels.outbox WHERE topic = 'channels.payment.succeeded' AND key = $1`, [orderId]);
}

beforeAll(async () => {
  h = await startSubgraphForTest(channelsSubgraph, { peers: orders.peers });
  const c = await createConnection(h, alipayConnectionInput(alipay));
  connectionId = c.id;
  expect(c.webhookUrl).toBe(`/channels/alipay/${c.id}/notify`);
  url = callbackUrl(h, c.webhookUrl);
}, 30_000);
afterAll(() => h?.close());

test('a valid notify is answered `success` after one ACCEPTED event and one payment event in the outbox', async () => {
  const params = alipay.sign(alipay.notifyParams(trade('ord-ali-1', '88.00', '2026120122001400001')));
  const answer = await FakeAlipay.post(url, FakeAlipay.formBody(params));
  expect(answer).toEqual({ status: 200, text: 'success' });
  expect(await eventsOf(params.notify_id!)).toEqual([{ status: 'ACCEPTED', error: null, order_id: 'ord-ali-1' }]);
  const published = await paymentsPublished('ord-ali-1');
  expect(published).toHaveLength(1);
  expect(published[0]!.payload).toEqual({
    eventId: expect.stringMatching(/^chev/),
    connectionId,
    provider: 'ALIPAY',
    orderId: 'ord-ali-1',
    providerTradeNo: '2026120122001400001',
    amountFen: 8800,
    currency: 'CNY',
    paidAt: '2026-12-01T09:30:04+08:00',
  });
});

test('the same notify 10 times in parallel: `success` each time, one ACCEPTED event, nine DUPLICATE, one payment event', async () => {
  const body = FakeAlipay.formBody(alipay.sign(alipay.notifyParams(trade('ord-ali-2', '120.50'))));
  const notifyId = new URLSearchParams(body).get('notify_id')!;
  const answers = await Promise.all(Array.from({ length: 10 }, () => FakeAlipay.post(url, body)));
  expect(answers).toEqual(Array.from({ length: 10 }, () => ({ status: 200, text: 'success' })));
  const events = await eventsOf(notifyId);
  expect(events.filter((e) => e.status === 'ACCEPTED')).toHaveLength(1);
  expect(events.filter((e) => e.status === 'DUPLICATE')).toHaveLength(9);
  expect(await paymentsPublished('ord-ali-2')).toHaveLength(1);
});

test('values are verified as decoded once: a subject with &, = and + and an empty parameter', async () => {
  const params = alipay.sign(alipay.notifyParams(trade('ord-ali-3', '1.00'), { subject: 'a&b=c+d 100%', passback_params: '' }));
  expect(await FakeAlipay.post(url, FakeAlipay.formBody(params))).toEqual({ status: 200, text: 'success' });
  expect((await eventsOf(params.notify_id!))[0]!.status).toBe('ACCEPTED');
});

describe('refused notifies are stored REJECTED with the reason, have no effect and are not answered `success`', () => {
  // `filed`: the order the event is filed under (a verified notify that the order refused), else null.
  const rejected = async (body: string, notifyId: string, reason: RegExp, orderId: string, filed: string | null = null) => {
    const answer = await FakeAlipay.post(url, body);
    expect(answer.text).not.toBe('success');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    const events = await eventsOf(notifyId);
    expect(events).toEqual([{ status: 'REJECTED', error: expect.stringMatching(reason), order_id: filed }]);
    expect(await paymentsPublished(orderId)).toHaveLength(0);
  };

  test('tampered amount (changed after signing)', async () => {
    const params = alipay.sign(alipay.notifyParams(trade('ord-ali-4', '9.99')));
    await rejected(FakeAlipay.formBody({ ...params, total_amount: '0.01' }), params.notify_id!, /bad signature/, 'ord-ali-4');
  });

  test('signed with another key', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const params = alipay.sign(alipay.notifyParams(trade('ord-ali-4', '9.99')), other.privateKey);
    await rejected(FakeAlipay.formBody(params), params.notify_id!, /bad signature/, 'ord-ali-4');
  });

  test('an empty parameter dropped after signing (empty values are signed too)', async () => {
    const params = alipay.sign(alipay.notifyParams(trade('ord-ali-4', '9.99'), { passback_params: '' }));
    const { passback_params: _dropped, ...rest } = params;
    await rejected(FakeAlipay.formBody(rest), params.notify_id!, /bad signature/, 'ord-ali-4');
  });

  test('another app_id, correctly signed', async () => {
    const params = alipay.sign(alipay.notifyParams({ ...trade('ord-ali-4', '9.99'), appId: '2021009999999999' }));
    await rejected(FakeAlipay.formBody(params), params.notify_id!, /app_id/, 'ord-ali-4');
  });

  test('the amount is not the order total, correctly signed', async () => {
    const params = alipay.sign(alipay.notifyParams(trade('ord-ali-4', '9.98')));
    await rejected(FakeAlipay.formBody(params), params.notify_id!, /amount mismatch/, 'ord-ali-4', 'ord-ali-4');
  });

  test("an order of another brand, correctly signed", async () => {
    const params = alipay.sign(alipay.notifyParams(trade('ord-csm-1', '5.00')));
    await rejected(FakeAlipay.formBody(params), params.notify_id!, /another brand/, 'ord-csm-1', 'ord-csm-1');
  });

  test('unsigned', async () => {
    const { sign: _none, ...params } = alipay.sign(alipay.notifyParams(trade('ord-ali-4', '9.99')));
    await rejected(FakeAlipay.formBody(params), params.notify_id!, /unsigned/, 'ord-ali-4');
  });
});

test('a notify for an unknown connection is refused and not stored', async () => {
  const params = alipay.sign(alipay.notifyParams(trade('ord-ali-4', '9.99')));
  const answer = await FakeAlipay.post(callbackUrl(h, '/channels/alipay/chc-nope/notify'), FakeAlipay.formBody(params));
  expect(answer).toEqual({ status: 404, text: 'fail' });
  expect(await eventsOf(params.notify_id!)).toEqual([]);
});

test('a status other than TRADE_SUCCESS / TRADE_FINISHED is stored and answered, with no payment', async () => {
  const params = alipay.sign(alipay.notifyParams({ ...trade('ord-ali-4', '9.99'), tradeStatus: 'TRADE_CLOSED' }));
  expect(await FakeAlipay.post(url, FakeAlipay.formBody(params))).toEqual({ status: 200, text: 'success' });
  expect(await eventsOf(params.notify_id!)).toEqual([{ status: 'ACCEPTED', error: null, order_id: 'ord-ali-4' }]);
  expect(await paymentsPublished('ord-ali-4')).toHaveLength(0);
});

test('orders unreachable: FAILED and not `success`; the retry is ACCEPTED once; replayChannelEvent settles another', async () => {
  const first = alipay.sign(alipay.notifyParams(trade('ord-ali-5', '5.00', '2026120122001400005')));
  orders.state.down = true;
  const body = FakeAlipay.formBody(first);
  const answer = await FakeAlipay.post(url, body);
  expect(answer).toEqual({ status: 503, text: 'fail' });
  expect(await eventsOf(first.notify_id!)).toEqual([{ status: 'FAILED', error: expect.stringMatching(/orders could not answer/), order_id: 'ord-ali-5' }]);
  expect(await paymentsPublished('ord-ali-5')).toHaveLength(0);
  // The same notify again while orders is still down: still one FAILED row.
  expect((await FakeAlipay.post(url, body)).text).toBe('fail');
  expect(await eventsOf(first.notify_id!)).toHaveLength(1);

  orders.state.down = false;
  expect(await FakeAlipay.post(url, body)).toEqual({ status: 200, text: 'success' });
  expect(await eventsOf(first.notify_id!)).toEqual([{ status: 'ACCEPTED', error: null, order_id: 'ord-ali-5' }]);
  expect(await paymentsPublished('ord-ali-5')).toHaveLength(1);
  // Once more: a DUPLICATE, no second payment.
  expect((await FakeAlipay.post(url, body)).text).toBe('success');
  expect(await paymentsPublished('ord-ali-5')).toHaveLength(1);
});

test('replayChannelEvent: a FAILED event becomes ACCEPTED once; anything else is EVENT_NOT_REPLAYABLE', async () => {
  orders.orders.push({ id: 'ord-ali-6', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 700, paidFen: 0, currency: 'CNY' });
  const params = alipay.sign(alipay.notifyParams(trade('ord-ali-6', '7.00')));
  orders.state.down = true;
  expect((await FakeAlipay.post(url, FakeAlipay.formBody(params))).text).toBe('fail');
  const id = (await h.db.query<{ id: string }>(`SELECT id FROM channels.inbound_event WHERE external_id = $1`, [params.notify_id]))[0]!.id;
  const REPLAY = `mutation($input: ReplayChannelEventInput!) { replayChannelEvent(input: $input) { event { id status error order { id } } userErrors { code } } }`;
  // Still down: FAILED with the new reason.
  const still = await h.data<{ replayChannelEvent: { event: { status: string } } }>(as.lngChannelsAdmin, REPLAY, { input: { eventId: id } });
  expect(still.replayChannelEvent.event.status).toBe('FAILED');
  orders.state.down = false;
  // Another brand's admin does not see it.
  const foreign = await h.data<{ replayChannelEvent: { userErrors: { code: string }[] } }>(as.csmChannelsAdmin, REPLAY, { input: { eventId: id } });
  expect(foreign.replayChannelEvent.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  const replays = await Promise.all(Array.from({ length: 5 }, () => h.data<{ replayChannelEvent: { event: { status: string } | null; userErrors: { code: string }[] } }>(as.lngChannelsAdmin, REPLAY, { input: { eventId: id } })));
  const accepted = replays.filter((r) => r.replayChannelEvent.event?.status === 'ACCEPTED');
  expect(accepted).toHaveLength(1);
  for (const r of replays.filter((x) => x !== accepted[0])) expect(r.replayChannelEvent.userErrors).toEqual([{ code: 'EVENT_NOT_REPLAYABLE' }]);
  expect(await paymentsPublished('ord-ali-6')).toHaveLength(1);
});

test('a DISABLED connection refuses its notifies (REJECTED, no effect)', async () => {
  const other = new FakeAlipay();
  const c = await createConnection(h, { ...alipayConnectionInput(other), appId: '2021004100000077' });
  const res = await h.data<{ disableChannelConnection: { connection: { status: string } } }>(
    as.lngChannelsAdmin,
    `mutation($input: DisableChannelConnectionInput!) { disableChannelConnection(input: $input) { connection { status } userErrors { code } } }`,
    { input: { connectionId: c.id, reason: 'moved to another app' } },
  );
  expect(res.disableChannelConnection.connection.status).toBe('DISABLED');
  const params = other.sign(other.notifyParams({ ...trade('ord-ali-4', '9.99'), appId: '2021004100000077' }, { notify_id: 'disabled-connection-notify' }));
  const answer = await FakeAlipay.post(callbackUrl(h, c.webhookUrl), FakeAlipay.formBody(params));
  expect(answer.text).toBe('fail');
  expect(await eventsOf(params.notify_id!)).toEqual([{ status: 'REJECTED', error: 'the connection is DISABLED', order_id: null }]);
});

test("Order.channelOrigin of an order paid through Alipay: the connection and the latest ACCEPTED notification's status", async () => {
  const ORIGIN = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id channelOrigin { connection { id channel } rawStatus lastEventAt } } } }`;
  const originOf = async (id: string) =>
    (await h.data<{ _entities: { channelOrigin: unknown }[] }>(as.lngAdmin, ORIGIN, { r: [{ __typename: 'Order', id }] }))._entities[0]!.channelOrigin;
  // ord-ali-1 was paid (TRADE_SUCCESS) by the first test.
  expect(await originOf('ord-ali-1')).toEqual({ connection: { id: connectionId, channel: 'ALIPAY' }, rawStatus: 'TRADE_SUCCESS', lastEventAt: expect.any(String) });
  // Alipay's later TRADE_FINISHED of the same trade is the latest event now.
  const finished = alipay.sign(alipay.notifyParams({ ...trade('ord-ali-1', '88.00', '2026120122001400001'), tradeStatus: 'TRADE_FINISHED' }));
  expect(await FakeAlipay.post(url, FakeAlipay.formBody(finished))).toEqual({ status: 200, text: 'success' });
  const [accepted] = await h.db.query<{ at: Date }>(`SELECT received_at AS at FROM channels.inbound_event WHERE external_id = $1`, [finished.notify_id]);
  expect(await originOf('ord-ali-1')).toEqual({ connection: { id: connectionId, channel: 'ALIPAY' }, rawStatus: 'TRADE_FINISHED', lastEventAt: accepted!.at.toISOString() });
  // Only refused notifications (REJECTED, DUPLICATE) are no origin.
  expect(await originOf('ord-csm-1')).toBeNull();
});

test('a body over the notification limit is refused without being stored', async () => {
  const answer = await FakeAlipay.post(url, `notify_id=big&x=${'a'.repeat(70 * 1024)}`);
  expect(answer).toEqual({ status: 413, text: 'fail' });
  expect(await eventsOf('big')).toEqual([]);
});
