// channels on the embedded database (PGlite over pglite-socket), as `npm start` runs it: a connection is created, a
// notify is stored once and its payment event lands in the outbox, with parallel deliveries on the one shared session.
import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { FakeAlipay } from './fakes/alipay';
import { ALIPAY_APP_ID, alipayConnectionInput, callbackUrl, createConnection } from './fixtures';
import { ordersPeer } from './orders-peer';

const alipay = new FakeAlipay();
const orders = ordersPeer([{ id: 'ord-emb-1', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 2500, paidFen: 0, currency: 'CNY' }]);
let h: SubgraphHarness;

beforeAll(async () => {
  h = await startSubgraphForTest(channelsSubgraph, { database: createTestEmbedded, peers: orders.peers });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

test('a notify delivered 5 times in parallel: `success` each time, one ACCEPTED event, one payment event', async () => {
  const c = await createConnection(h, alipayConnectionInput(alipay));
  const body = FakeAlipay.formBody(alipay.sign(alipay.notifyParams({ appId: ALIPAY_APP_ID, orderId: 'ord-emb-1', tradeNo: 'T-emb-1', totalAmount: '25.00' })));
  const answers = await Promise.all(Array.from({ length: 5 }, () => FakeAlipay.post(callbackUrl(h, c.webhookUrl), body)));
  expect(answers.map((a) => a.text)).toEqual(['success', 'success', 'success', 'success', 'success']);
  const rows = await h.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM channels.inbound_event WHERE connection_id = $1 GROUP BY status ORDER BY status`, [c.id]);
  expect(rows).toEqual([
    { status: 'ACCEPTED', n: 1 },
    { status: 'DUPLICATE', n: 4 },
  ]);
  expect((await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM channels.outbox WHERE key = 'ord-emb-1'`))[0]!.n).toBe(1);
}, 60_000);
