// Tmall orders end to end (docs/channel-order-pulls.md, docs/events.md): a brand admin syncs a TMALL connection
// through the gateway, channels pulls the trades from a fake TOP (signed calls, GMT+8, ids beyond 2^53),
// publishes channels.order.upserted through its outbox, and the orders subgraph upserts the order by
// (channel, externalOrderId) — the tid 4398046511104123456 arriving intact; a re-pull changes nothing.
// Order.channelOrigin: the pulled order, a mini-program order paid through Alipay, the demo's marketplace orders, who
// sees it, and what a list of orders with their origins costs.
import { subgraphFetches } from '@retail/platform';
import { requestSqlStatements } from '@retail/platform/testing';
import { channelOrderId } from '../subgraphs/channels/src/domain/channel-order-id';
import { formatGmt8 } from '../subgraphs/channels/src/domain/gmt8-time';
import { FakeAlipay } from '../subgraphs/channels/test/fakes/alipay';
import { startTopFake, type OrderProviderFake } from '../subgraphs/channels/test/fakes/order-provider-fakes';
import { startTestGraph, type TestGraph } from './support/graph';
import { tokenFor } from './support/tokens';
import { eventually } from './support/eventually';

const TID = '4398046511104123456';
const TOP = { appKey: '23456789', appSecret: 'e2e-top-secret', session: 'e2e-session' };
let graph: TestGraph;
let top: OrderProviderFake;
let connectionId: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  top = await startTopFake(TOP);
  graph = await startTestGraph();
  tokens.platform = await tokenFor({ role: 'PLATFORM_ADMIN' });
  tokens.lngChannels = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng', scopes: ['channels:admin'] });
  tokens.lngAdmin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-lng' });
  tokens.csmAdmin = await tokenFor({ role: 'BRAND_ADMIN', brandId: 'brand-csm' });
  // Operates store-lng-03 (stores demo).
  tokens.lngFranchisee = await tokenFor({ role: 'FRANCHISEE', brandId: 'brand-lng', franchiseeId: 'fr-lng-a' });
  const created = await graph.query<{ createChannelConnection: { connection: { id: string } | null; userErrors: unknown[] } }>(
    `mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id } userErrors { code field message } } }`,
    { input: { channel: 'TMALL', brandId: 'brand-lng', appId: TOP.appKey, merchantId: 'shop-lng-tmall', apiBaseUrl: `${top.url}/router/rest`, secrets: { appSecret: TOP.appSecret, accessToken: TOP.session } } },
    tokens.lngChannels,
  );
  expect(created.errors).toBeUndefined();
  expect(created.data!.createChannelConnection.userErrors).toEqual([]);
  connectionId = created.data!.createChannelConnection.connection!.id;
}, 120_000);
afterAll(async () => {
  await graph?.close();
  await top?.close();
});

const SYNC = `mutation($input: SyncChannelOrdersInput!) { syncChannelOrders(input: $input) { pulled accepted duplicates userErrors { code message } } }`;
const BY_EXTERNAL = `query($id: String!) { orderByExternalId(channel: TMALL, externalOrderId: $id) {
  id channel externalOrderId status paidTotal { amount currency } lines { title quantity unitPrice { amount } } payments { provider providerTransactionId } } }`;
interface ChannelOrder {
  id: string;
  channel: string;
  externalOrderId: string;
  status: string;
  paidTotal: { amount: string; currency: string };
  lines: { title: string; quantity: number; unitPrice: { amount: string } }[];
  payments: { provider: string; providerTransactionId: string }[];
}

test('a Taobao tid beyond 2^53 arrives intact as the order’s externalOrderId, once', async () => {
  const at = (minutesAgo: number) => formatGmt8(Date.now() - minutesAgo * 60_000);
  top.trades.push({
    tid: TID,
    status: 'WAIT_SELLER_SEND_GOODS',
    created: at(40),
    payTime: at(39),
    modified: at(39),
    payment: '387.00',
    buyerOpenUid: 'AAHtb-open-uid-1',
    lines: [
      { skuId: '5001', outerSkuId: 'sku-lng-br-2403-wh-70b', title: '文胸 白 70B', price: '129.00', num: 2 },
      { skuId: '5002', outerSkuId: null, title: '内裤 黑 M', price: '129.00', num: 1 },
    ],
  });
  const synced = await graph.query<{ syncChannelOrders: { pulled: number; accepted: number; duplicates: number; userErrors: unknown[] } }>(SYNC, { input: { connectionId } }, tokens.lngChannels);
  expect(synced.errors).toBeUndefined();
  expect(synced.data!.syncChannelOrders).toEqual({ pulled: 1, accepted: 1, duplicates: 0, userErrors: [] });
  expect(top.calls.every((c) => c.signatureValid)).toBe(true);

  const order = await eventually(async () => (await graph.query<{ orderByExternalId: ChannelOrder | null }>(BY_EXTERNAL, { id: TID }, tokens.lngAdmin)).data?.orderByExternalId, 'the TMALL order in orders');
  expect(order).toMatchObject({
    channel: 'TMALL',
    externalOrderId: TID,
    status: 'PAID',
    paidTotal: { amount: '387.00', currency: 'CNY' },
    payments: [{ provider: 'TMALL', providerTransactionId: TID }],
  });
  expect(order.lines).toEqual([
    { title: '文胸 白 70B', quantity: 2, unitPrice: { amount: '129.00' } },
    { title: '内裤 黑 M', quantity: 1, unitPrice: { amount: '129.00' } },
  ]);

  // The trade completes on Tmall: the next pull carries it to the order.
  const trade = top.trades[0]!;
  trade.status = 'TRADE_FINISHED';
  trade.modified = at(1);
  const again = await graph.query<{ syncChannelOrders: { accepted: number } }>(SYNC, { input: { connectionId } }, tokens.lngChannels);
  expect(again.data!.syncChannelOrders.accepted).toBe(1);
  await eventually(async () => {
    const o = (await graph.query<{ orderByExternalId: ChannelOrder | null }>(BY_EXTERNAL, { id: TID }, tokens.lngAdmin)).data?.orderByExternalId;
    return o?.status === 'COMPLETED' ? o : null;
  }, 'the order COMPLETED');

  // Re-pulling the whole window has no second effect: one order, no new event.
  const before = await graph.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM channels.outbox WHERE topic = 'channels.order.upserted'`);
  const repull = await graph.query<{ syncChannelOrders: { accepted: number; duplicates: number } }>(SYNC, { input: { connectionId, since: new Date(Date.now() - 3 * 3600_000).toISOString() } }, tokens.lngChannels);
  expect(repull.data!.syncChannelOrders).toMatchObject({ accepted: 0, duplicates: 1 });
  expect(await graph.db.query(`SELECT count(*)::int AS n FROM channels.outbox WHERE topic = 'channels.order.upserted'`)).toEqual(before);
  const orders = await graph.db.query(`SELECT id FROM orders."order" WHERE channel = 'TMALL' AND external_order_id = $1`, [TID]);
  expect(orders).toHaveLength(1);
});

const ORIGIN = `query($id: ID!) { order(id: $id) { id channel channelOrigin { connection { id channel } rawStatus lastEventAt } } }`;
interface WithOrigin {
  id: string;
  channel: string;
  channelOrigin: { connection: { id: string; channel: string }; rawStatus: string | null; lastEventAt: string | null } | null;
}
const originAs = async (token: string, id: string) => {
  const res = await graph.query<{ order: WithOrigin | null }>(ORIGIN, { id }, token);
  expect(res.errors).toBeUndefined();
  return res.data!.order;
};

test('Order.channelOrigin of the pulled Tmall order: the id channels minted, its connection, the latest status', async () => {
  // The order orders created is the one channels filed the trade's records under.
  const orderId = channelOrderId('TMALL', TID);
  const order = await originAs(tokens.lngAdmin!, orderId);
  expect(order).toEqual({ id: orderId, channel: 'TMALL', channelOrigin: { connection: { id: connectionId, channel: 'TMALL' }, rawStatus: 'TRADE_FINISHED', lastEventAt: expect.any(String) } });
  const records = await graph.db.query<{ event_type: string; received_at: Date }>(`SELECT event_type, received_at FROM channels.inbound_event WHERE order_id = $1 ORDER BY received_at`, [orderId]);
  expect(records.map((r) => r.event_type)).toEqual(['WAIT_SELLER_SEND_GOODS', 'TRADE_FINISHED']);
  expect(order!.channelOrigin!.lastEventAt).toBe(records[1]!.received_at.toISOString());
  // The demo's Tmall and JD orders have theirs; a sale at the till has none.
  expect((await originAs(tokens.lngAdmin!, 'ord-demo-lng-0007'))!.channelOrigin).toMatchObject({ connection: { channel: 'TMALL' }, rawStatus: 'TRADE_FINISHED' });
  expect((await originAs(tokens.lngAdmin!, 'ord-demo-lng-0008'))!.channelOrigin).toMatchObject({ connection: { channel: 'JD' }, rawStatus: 'WAIT_SELLER_STOCK_OUT' });
  expect(await originAs(tokens.lngAdmin!, 'ord-demo-lng-0005')).toEqual({ id: 'ord-demo-lng-0005', channel: 'POS', channelOrigin: null });
});

test('Order.channelOrigin of a mini-program order paid through Alipay; a franchisee sees its store’s order but not the connection', async () => {
  const alipay = new FakeAlipay();
  const ALIPAY_APP = '2021004100000001';
  const created = await graph.query<{ createChannelConnection: { connection: { id: string; webhookUrl: string } } }>(
    `mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id webhookUrl } userErrors { code } } }`,
    { input: { channel: 'ALIPAY', brandId: 'brand-lng', appId: ALIPAY_APP, apiBaseUrl: 'http://127.0.0.1:9', secrets: { alipayPublicKey: alipay.publicKeyPem } } },
    tokens.lngChannels,
  );
  const alipayConnection = created.data!.createChannelConnection.connection;
  const placed = await graph.query<{ placeOrder: { order: { id: string; total: { amount: string } } } }>(
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id total { amount } } userErrors { code } } }`,
    { input: { idempotencyKey: 'e2e-origin-alipay-1', brandId: 'brand-lng', memberId: 'mem-lng-0007', channel: 'ALIPAY_MINIPROGRAM', storeId: 'store-lng-03', fulfillment: 'DELIVERY', lines: [{ skuId: 'sku-lng-br-2401-bk-70b', quantity: 1 }] } },
    tokens.lngAdmin,
  );
  expect(placed.errors).toBeUndefined();
  const { id: orderId, total } = placed.data!.placeOrder.order;
  // Before any payment, no channel reported the order.
  expect((await originAs(tokens.lngAdmin!, orderId))!.channelOrigin).toBeNull();
  const params = alipay.sign(alipay.notifyParams({ appId: ALIPAY_APP, orderId, tradeNo: '2026120122001499101', totalAmount: total.amount }));
  const root = graph.gatewayUrl.replace(/\/graphql$/, '');
  expect(await FakeAlipay.post(`${root}${alipayConnection.webhookUrl}`, FakeAlipay.formBody(params))).toEqual({ status: 200, text: 'success' });
  const [event] = await graph.db.query<{ received_at: Date }>(`SELECT received_at FROM channels.inbound_event WHERE external_id = $1 AND status = 'ACCEPTED'`, [params.notify_id]);
  expect(await originAs(tokens.lngAdmin!, orderId)).toEqual({
    id: orderId,
    channel: 'ALIPAY_MINIPROGRAM',
    channelOrigin: { connection: { id: alipayConnection.id, channel: 'ALIPAY' }, rawStatus: 'TRADE_SUCCESS', lastEventAt: event!.received_at.toISOString() },
  });
  // Connections are seen by the platform and the brand's admins only: the store's operator reads the order, not its origin.
  expect(await originAs(tokens.lngFranchisee!, orderId)).toEqual({ id: orderId, channel: 'ALIPAY_MINIPROGRAM', channelOrigin: null });
  expect((await originAs(tokens.platform!, orderId))!.channelOrigin).toMatchObject({ connection: { id: alipayConnection.id } });
  expect(await originAs(tokens.csmAdmin!, orderId)).toBeNull();
});

test('a list of orders with their origins costs one channels statement, for 2 orders and for 10', async () => {
  const LIST = `query($n: Int!) { orders(filter: { brandId: "brand-lng" }, first: $n) { edges { node { id channelOrigin { connection { id channel } rawStatus lastEventAt } } } } }`;
  const fetchesSoFar = async () => (await subgraphFetches.get()).values.reduce((sum, v) => sum + v.value, 0);
  const measure = async (n: number) => {
    const [sql0, fetch0] = [await requestSqlStatements('channels'), await fetchesSoFar()];
    const res = await graph.query<{ orders: { edges: { node: WithOrigin }[] } }>(LIST, { n }, tokens.lngAdmin);
    expect(res.errors).toBeUndefined();
    return { nodes: res.data!.orders.edges.map((e) => e.node), sql: (await requestSqlStatements('channels')) - sql0, fetches: (await fetchesSoFar()) - fetch0 };
  };
  const small = await measure(2);
  const large = await measure(10);
  expect(large.nodes).toHaveLength(10);
  // The pulled Tmall order, the Alipay-paid one and the demo's Tmall and JD orders are among the newest ten.
  expect(large.nodes.filter((o) => o.channelOrigin).length).toBeGreaterThanOrEqual(4);
  expect([small.sql, large.sql]).toEqual([1, 1]);
  expect(large.fetches).toBe(small.fetches);
});

test('erasing the member whose Tmall account bought the pulled order drops its buyer in channels and orders; its open id was never kept', async () => {
  const BUYER = 'AAHtb-open-uid-1';
  const orderId = channelOrderId('TMALL', TID);
  const buyerRefs = async () => ({
    channels: (await graph.db.query<{ ref: string | null }>(`SELECT facts -> 'order' -> 'buyer' ->> 'ref' AS ref FROM channels.inbound_event WHERE order_id = $1 ORDER BY received_at`, [orderId])).map((r) => r.ref),
    orders: (await graph.db.query<{ ref: string | null }>(`SELECT buyer_ref AS ref FROM orders.channel_order WHERE order_id = $1`, [orderId])).map((r) => r.ref),
  });
  const before = await buyerRefs();
  const ref = before.orders[0]!;
  expect(ref).toMatch(/^acr1-/);
  expect(before).toEqual({ channels: [ref, ref], orders: [ref] });

  // The buyer joins on Tmall (会员通): members binds the same account channels saw (the shop is the connection's merchant).
  const joined = await graph.query<{ registerMember: { member: { id: string } | null; userErrors: unknown[] } }>(
    `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code field message } } }`,
    { input: { brandId: 'brand-lng', phone: '13911112222', identity: { channel: 'TMALL', appId: 'shop-lng-tmall', externalId: BUYER } } },
    tokens.lngAdmin,
  );
  expect(joined.data!.registerMember.userErrors).toEqual([]);
  const erased = await graph.query<{ eraseMember: { userErrors: unknown[] } }>(
    `mutation($input: EraseMemberInput!) { eraseMember(input: $input) { userErrors { code field message } } }`,
    { input: { memberId: joined.data!.registerMember.member!.id, reason: 'PIPL ticket e2e-1' } },
    tokens.lngAdmin,
  );
  expect(erased.data!.eraseMember.userErrors).toEqual([]);
  // members' ref of the account is the one channels made (one ACCOUNT_REF_KEY): both drop the buyer.
  await eventually(async () => {
    const now = await buyerRefs();
    return now.channels.every((r) => r === null) && now.orders.every((r) => r === null) ? now : null;
  }, 'the buyer dropped in channels and orders');

  const columns = await graph.db.query<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS "table", c.column_name AS "column"
       FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema IN ('channels', 'orders', 'members') AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const holding = async (value: string, schemas: string[]) => {
    const found: string[] = [];
    for (const c of columns.filter((x) => schemas.includes(x.schema))) {
      const rows = await graph.db.query(`SELECT 1 FROM ${c.schema}."${c.table}" WHERE position($1 in "${c.column}"::text) > 0 LIMIT 1`, [value]);
      if (rows.length) found.push(`${c.schema}.${c.table}.${c.column}`);
    }
    return found.sort();
  };
  expect(await holding(BUYER, ['channels', 'orders', 'members'])).toEqual([]);
  // The ref stays only where an erased account is remembered (so a late record of an old order keeps no buyer).
  expect(await holding(ref, ['channels', 'orders'])).toEqual(['channels.erased_account.ref', 'orders.erased_account.ref']);
});
