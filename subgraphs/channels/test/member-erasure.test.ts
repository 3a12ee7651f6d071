// PIPL erasure (members.member.erased, docs/events.md): the channel accounts channels copied of a member (coupons'
// openid / Alipay user id, WeCom contacts' external_userid) are dropped; so is the buyer (its account's keyed ref) of
// the member's pulled Tmall orders, in the stored records and the published events; ids, amounts and statuses stay;
// once. Buyers' open ids and payers' ids are never stored at all.
import { accountRefs, DEV_ACCOUNT_REF_KEY } from '@retail/platform';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { formatGmt8 } from '../src/domain/gmt8-time';
import { applyGuideHandover } from '../src/events/guide-handover';
import { applyMemberErased } from '../src/events/member-erased';
import { claimCouponsToCheck, recordCoupon } from '../src/repo/coupons';
import { as } from './callers';
import { FakeAlipay } from './fakes/alipay';
import { startTopFake, type FakeTrade, type OrderProviderFake } from './fakes/order-provider-fakes';
import { FakeWechatPay } from './fakes/wechatpay';
import { ALIPAY_APP_ID, alipayConnectionInput, callbackUrl, createConnection, wechatConnectionInput } from './fixtures';
import { ordersPeer } from './orders-peer';
import { publishTestEvent, waitFor } from './outbound-fixtures';

let h: SubgraphHarness;
let connectionId: string;
let tmallId: string;
let top: OrderProviderFake;
const CORP = 'wwcorp000000000001';
const SHOP = 'shop-lng-tmall';
const TOP = { appKey: '12345678', appSecret: 'top-secret-0001', session: 'sess-lng-0001' };
/** The accounts of the member to erase, and of another member who keeps them. */
const ERASED = { memberId: 'mem-erase-1', openid: 'oErasedOpenid0000000000001', alipayUserId: '2088000000000001', contacts: ['wmErasedContact0001', 'wmErasedContact0002'], tmallBuyer: 'AAErasedTmallBuyer01' };
const KEPT = { memberId: 'mem-keep-1', openid: 'oKeptOpenid000000000000001', contact: 'wmKeptContact0001', tmallBuyer: 'AAKeptTmallBuyer0001' };
const refOf = (channel: string, appId: string, externalId: string) => accountRefs(DEV_ACCOUNT_REF_KEY).of({ channel, appId, externalId });
const ERASED_BUYER = refOf('TMALL', SHOP, ERASED.tmallBuyer);
const KEPT_BUYER = refOf('TMALL', SHOP, KEPT.tmallBuyer);

const ago = (minutes: number) => formatGmt8(Date.now() - minutes * 60_000);
const trade = (tid: string, buyerOpenUid: string, status: string, createdMinutesAgo: number, modifiedMinutesAgo: number): FakeTrade => ({
  tid, status, buyerOpenUid, created: ago(createdMinutesAgo), payTime: ago(createdMinutesAgo - 1), modified: ago(modifiedMinutesAgo), payment: '129.00',
  lines: [{ skuId: '5001', outerSkuId: 'sku-lng-br-2403-wh-70b', title: '文胸 白 70B', price: '129.00', num: 1 }],
});
const SYNC = `mutation($input: SyncChannelOrdersInput!) { syncChannelOrders(input: $input) { accepted userErrors { code message } } }`;
const pull = async () => (await h.data<{ syncChannelOrders: { accepted: number; userErrors: unknown[] } }>(as.lngChannelsAdmin, SYNC, { input: { connectionId: tmallId } })).syncChannelOrders;
/** The buyer of each pulled record of a trade, as stored and as published, by the record's provider status. */
const buyersOf = async (tid: string) => ({
  records: await h.db.query<{ status: string; buyer: unknown }>(`SELECT event_type AS status, facts -> 'order' -> 'buyer' AS buyer FROM channels.inbound_event WHERE external_id LIKE $1 ORDER BY received_at, id`, [`${tid}:%`]),
  events: (await h.db.query<{ buyer: unknown }>(`SELECT payload -> 'buyer' AS buyer FROM channels.outbox WHERE topic = 'channels.order.upserted' AND key = $1 ORDER BY seq`, [`TMALL:${tid}`])).map((r) => r.buyer),
});

const alipay = new FakeAlipay();
const orders = ordersPeer([{ id: 'ord-erase-pay-1', brandId: 'brand-lng', status: 'PENDING_PAYMENT', totalFen: 8800, paidFen: 0, currency: 'CNY' }]);

beforeAll(async () => {
  top = await startTopFake(TOP);
  h = await startSubgraphForTest(channelsSubgraph, { seed: false, peers: orders.peers });
  connectionId = (await createConnection(h, wechatConnectionInput(new FakeWechatPay()))).id;
  tmallId = (await createConnection(h, { channel: 'TMALL', brandId: 'brand-lng', appId: TOP.appKey, merchantId: SHOP, apiBaseUrl: `${top.url}/router/rest`, secrets: { appSecret: TOP.appSecret, accessToken: TOP.session } })).id;
  // The erased member's Tmall order and the other member's, pulled before the erasure.
  top.trades.push(trade('4398046511104170001', ERASED.tmallBuyer, 'WAIT_SELLER_SEND_GOODS', 60, 55), trade('4398046511104170002', KEPT.tmallBuyer, 'WAIT_SELLER_SEND_GOODS', 60, 54));
  expect(await pull()).toMatchObject({ accepted: 2, userErrors: [] });
  // The erased member paid a mini-program order through Alipay: Alipay names its user id and logon id in the notification.
  const alipayConnection = await createConnection(h, alipayConnectionInput(alipay));
  const paid = alipay.sign(alipay.notifyParams({ appId: ALIPAY_APP_ID, orderId: 'ord-erase-pay-1', tradeNo: '2026120122001400777', totalAmount: '88.00' }, { buyer_id: ERASED.alipayUserId }));
  expect(await FakeAlipay.post(callbackUrl(h, alipayConnection.webhookUrl), FakeAlipay.formBody(paid))).toEqual({ status: 200, text: 'success' });
  const coupon = (id: string, memberId: string, provider: 'WECHAT_PAY' | 'ALIPAY', externalUserId: string) =>
    recordCoupon(h.db, { id, connectionId, brandId: 'brand-lng', memberId, homeStoreId: 'store-lng-01', provider, campaignId: 'stock-1', appId: 'wxd678efh567hg6787', externalUserId, outRequestNo: `req-${id}`, providerCouponId: `cp-${id}` });
  await coupon('ccp-e1', ERASED.memberId, 'WECHAT_PAY', ERASED.openid);
  await coupon('ccp-e2', ERASED.memberId, 'ALIPAY', ERASED.alipayUserId);
  await coupon('ccp-k1', KEPT.memberId, 'WECHAT_PAY', KEPT.openid);
  await h.db.query(`UPDATE channels.channel_coupon SET status = 'REDEEMED', redeemed_at = now(), redeemed_store_id = 'store-lng-01' WHERE id = 'ccp-e2'`);
  await h.db.query(`UPDATE channels.channel_coupon SET next_check_at = now() - interval '1 minute'`);
  const move = (memberId: string, contacts: string[]) => ({ memberId, fromGuideId: 'gd-a', toGuideId: 'gd-b', reason: 'REASSIGNED', wecomContacts: contacts.map((externalUserId) => ({ corpId: CORP, externalUserId })) });
  await h.db.transaction((tx) => applyGuideHandover(tx, { handoverId: 'gh-erase-1', brandId: 'brand-lng', at: '2026-01-05T10:00:00+08:00', kind: 'ASSIGN', moves: [move(ERASED.memberId, ERASED.contacts), move(KEPT.memberId, [KEPT.contact])] }));
  // One of the erased member's contacts was taken over already: its final status stays.
  await h.db.query(`UPDATE channels.wecom_transfer SET status = 'TAKEN_OVER', errcode = 0, taken_over_at = now() WHERE external_user_id = $1`, [ERASED.contacts[1]]);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await top?.close();
});

/**
 * Every text, varchar, text[] and jsonb column of the channels schema (and of the event log the subgraph publishes
 * to, `events`), with how many rows hold `value` anywhere in it.
 */
async function occurrences(value: string, schemas = ['channels']): Promise<string[]> {
  const columns = await h.db.query<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS "table", c.column_name AS "column"
       FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = ANY($1::text[]) AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
    [schemas],
  );
  const expected = ['channels.inbound_event.facts', 'channels.outbox.payload', 'channels.channel_coupon.external_user_id', ...(schemas.includes('events') ? ['events.event_log.envelope'] : [])];
  expect(columns.map((c) => `${c.schema}.${c.table}.${c.column}`)).toEqual(expect.arrayContaining(expected));
  const found: string[] = [];
  for (const c of columns) {
    const rows = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${c.schema}."${c.table}" WHERE position($1 in "${c.column}"::text) > 0`, [value]);
    if (rows[0]!.n > 0) found.push(c.schema === 'channels' ? `${c.table}.${c.column}` : `${c.schema}.${c.table}.${c.column}`);
  }
  return found;
}

// Erased ten minutes ago: the orders pulled above were placed before, an order placed since is the person's new business.
const erasedEvent = { memberId: ERASED.memberId, brandId: 'brand-lng', erasedAt: new Date(Date.now() - 10 * 60_000).toISOString(), accountRefs: [ERASED_BUYER, refOf('WECHAT', 'wxd678efh567hg6787', ERASED.openid)] };

test('before the erasure the accounts are there (the scan finds them); open ids and payer ids were never stored', async () => {
  expect(await occurrences(ERASED.openid)).toEqual(['channel_coupon.external_user_id']);
  expect(await occurrences(ERASED.contacts[0]!)).toEqual(['wecom_transfer.external_user_id']);
  expect((await occurrences(ERASED_BUYER)).sort()).toEqual(['inbound_event.facts', 'outbox.payload']);
  for (const id of [ERASED.tmallBuyer, KEPT.tmallBuyer, '159****5620']) expect({ id, found: await occurrences(id, ['channels', 'events']) }).toEqual({ id, found: [] });
  // The payment notification is stored (its facts are the payment), without the payer.
  expect(await h.db.query(`SELECT status FROM channels.inbound_event WHERE order_id = 'ord-erase-pay-1'`)).toEqual([{ status: 'ACCEPTED' }]);
  expect(await occurrences(ERASED.alipayUserId)).toEqual(['channel_coupon.external_user_id']);
});

test('members.member.erased drops every account of the member channels copied, once, and keeps ids, statuses and the other member', async () => {
  await publishTestEvent(h.db, 'members', 'members.member.erased', ERASED.memberId, erasedEvent);
  await waitFor(async () => (await h.db.query(`SELECT 1 FROM channels.erased_member WHERE member_id = $1`, [ERASED.memberId])).length === 1);
  // Applied again (a redelivery under another envelope) and again: nothing more changes.
  const snapshot = () => h.db.query(`SELECT id, status, external_user_id, last_error, updated_at FROM channels.wecom_transfer UNION ALL SELECT id, status, external_user_id, NULL, updated_at FROM channels.channel_coupon ORDER BY id`);
  const once = await snapshot();
  await h.db.transaction((tx) => applyMemberErased(tx, erasedEvent));
  await h.db.transaction((tx) => applyMemberErased(tx, erasedEvent));
  expect(await snapshot()).toEqual(once);

  for (const id of [ERASED.openid, ERASED.alipayUserId, ...ERASED.contacts, ERASED.tmallBuyer]) expect({ id, found: await occurrences(id, ['channels', 'events']) }).toEqual({ id, found: [] });
  expect(await occurrences(KEPT.openid)).toEqual(['channel_coupon.external_user_id']);
  expect(await occurrences(KEPT.contact)).toEqual(['wecom_transfer.external_user_id']);
  // The erased buyer's ref stays only as the erased account (so a later pull keeps it out); the other buyer's stays.
  expect(await occurrences(ERASED_BUYER)).toEqual(['erased_account.ref']);
  expect((await occurrences(KEPT_BUYER)).sort()).toEqual(['inbound_event.facts', 'outbox.payload']);
  // The erased member's Tmall order is still there, with its status and amounts; only its buyer is gone.
  expect(await buyersOf('4398046511104170001')).toEqual({ records: [{ status: 'WAIT_SELLER_SEND_GOODS', buyer: null }], events: [null] });
  const [record] = await h.db.query<{ order: Record<string, unknown> }>(`SELECT facts -> 'order' AS order FROM channels.inbound_event WHERE external_id LIKE '4398046511104170001:%'`);
  expect(record!.order).toMatchObject({ externalOrderId: '4398046511104170001', status: 'PAID', paidFen: 12900 });

  const coupons = await h.db.query(`SELECT id, member_id AS "memberId", status, provider_coupon_id AS "providerCouponId" FROM channels.channel_coupon ORDER BY id`);
  expect(coupons).toEqual([
    { id: 'ccp-e1', memberId: ERASED.memberId, status: 'ISSUED', providerCouponId: 'cp-ccp-e1' },
    { id: 'ccp-e2', memberId: ERASED.memberId, status: 'REDEEMED', providerCouponId: 'cp-ccp-e2' },
    { id: 'ccp-k1', memberId: KEPT.memberId, status: 'ISSUED', providerCouponId: 'cp-ccp-k1' },
  ]);
  // The provider's coupon query needs the erased openid: only the other member's coupon is asked after.
  expect((await claimCouponsToCheck(h.db, 10, 60_000)).map((c) => c.id)).toEqual(['ccp-k1']);
});

test('queries still answer without the accounts: Member.coupons and wecomTransfers', async () => {
  const coupons = await h.data<{ _entities: { id: string; coupons: { totalCount: number; edges: { node: { id: string; status: string; member: { id: string } } }[] } }[] }>(
    as.lngAdmin,
    `query M($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id coupons(first: 10) { totalCount edges { node { id status member { id } } } } } } }`,
    { r: [{ __typename: 'Member', id: ERASED.memberId }] },
  );
  expect(coupons._entities[0]!.coupons.totalCount).toBe(2);
  expect(coupons._entities[0]!.coupons.edges.map((e) => e.node).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
    { id: 'ccp-e1', status: 'ISSUED', member: { id: ERASED.memberId } },
    { id: 'ccp-e2', status: 'REDEEMED', member: { id: ERASED.memberId } },
  ]);
  const transfers = await h.data<{ wecomTransfers: { totalCount: number; edges: { node: { member: { id: string }; externalUserId: string | null; status: string; error: string | null } }[] } }>(
    as.lngAdmin,
    `{ wecomTransfers(handoverId: "gh-erase-1") { totalCount edges { node { member { id } externalUserId status error } } } }`,
  );
  expect(transfers.wecomTransfers.totalCount).toBe(3);
  const nodes = transfers.wecomTransfers.edges.map((e) => e.node);
  expect(nodes.filter((n) => n.member.id === ERASED.memberId).map((n) => [n.externalUserId, n.status]).sort()).toEqual([
    [null, 'FAILED'],
    [null, 'TAKEN_OVER'],
  ]);
  expect(nodes.find((n) => n.member.id === ERASED.memberId && n.status === 'FAILED')!.error).toMatch(/erased/);
  expect(nodes.find((n) => n.member.id === KEPT.memberId)).toMatchObject({ externalUserId: KEPT.contact });
});

test("a record pulled after the erasure of an order placed before it keeps no buyer; the person's new order keeps its buyer's ref", async () => {
  top.trades.push(
    // The old order ships: a new record of it.
    trade('4398046511104170001', ERASED.tmallBuyer, 'WAIT_BUYER_CONFIRM_GOODS', 60, 3),
    // Placed after the erasure by the same Tmall account.
    trade('4398046511104170003', ERASED.tmallBuyer, 'WAIT_SELLER_SEND_GOODS', 5, 2),
  );
  expect(await pull()).toMatchObject({ accepted: 2, userErrors: [] });
  expect(await buyersOf('4398046511104170001')).toEqual({
    records: [{ status: 'WAIT_SELLER_SEND_GOODS', buyer: null }, { status: 'WAIT_BUYER_CONFIRM_GOODS', buyer: null }],
    events: [null, null],
  });
  const fresh = { channel: 'TMALL', appId: SHOP, ref: ERASED_BUYER };
  expect(await buyersOf('4398046511104170003')).toEqual({ records: [{ status: 'WAIT_SELLER_SEND_GOODS', buyer: fresh }], events: [fresh] });
});

test('a payload whose accountRefs is not a list of refs is refused; one without accountRefs (published before them) drops the accounts by member', async () => {
  await expect(h.db.transaction((tx) => applyMemberErased(tx, { ...erasedEvent, memberId: 'mem-erase-2', accountRefs: 'acr1-x' }))).rejects.toThrow(/accountRefs/);
  await expect(h.db.transaction((tx) => applyMemberErased(tx, { ...erasedEvent, memberId: 'mem-erase-2', accountRefs: [7] }))).rejects.toThrow(/accountRefs/);
  const old = { memberId: 'mem-erase-old', openid: 'oOldEventOpenid0000000001' };
  await recordCoupon(h.db, { id: 'ccp-o1', connectionId, brandId: 'brand-lng', memberId: old.memberId, homeStoreId: null, provider: 'WECHAT_PAY', campaignId: 'stock-1', appId: 'wxd678efh567hg6787', externalUserId: old.openid, outRequestNo: 'req-ccp-o1', providerCouponId: 'cp-ccp-o1' });
  await h.db.transaction((tx) => applyMemberErased(tx, { memberId: old.memberId, brandId: 'brand-lng', erasedAt: erasedEvent.erasedAt }));
  expect(await occurrences(old.openid)).toEqual([]);
  expect((await occurrences(KEPT_BUYER)).sort()).toEqual(['inbound_event.facts', 'outbox.payload']);
});

test('a handover applied after the erasure stores no contact of the erased member; a payload without memberId is refused', async () => {
  const moves = [
    { memberId: ERASED.memberId, fromGuideId: 'gd-b', toGuideId: 'gd-a', reason: 'REASSIGNED', wecomContacts: [{ corpId: CORP, externalUserId: ERASED.contacts[0] }] },
    { memberId: KEPT.memberId, fromGuideId: 'gd-b', toGuideId: 'gd-a', reason: 'REASSIGNED', wecomContacts: [{ corpId: CORP, externalUserId: KEPT.contact }] },
  ];
  await h.db.transaction((tx) => applyGuideHandover(tx, { handoverId: 'gh-erase-2', brandId: 'brand-lng', at: '2026-02-02T10:00:00+08:00', kind: 'ASSIGN', moves }));
  expect(await h.db.query(`SELECT member_id AS "memberId" FROM channels.wecom_transfer WHERE handover_id = 'gh-erase-2'`)).toEqual([{ memberId: KEPT.memberId }]);
  expect(await occurrences(ERASED.contacts[0]!)).toEqual([]);
  await expect(h.db.transaction((tx) => applyMemberErased(tx, { brandId: 'brand-lng', erasedAt: '2026-02-01T09:00:00Z' }))).rejects.toThrow(/payload needs/);
});
