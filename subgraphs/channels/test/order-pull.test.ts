import { errorCodes, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { as } from './callers';
import { channelsSubgraph, CHANNELS_SETTINGS } from '../src';
import { channelOrderId } from '../src/domain/channel-order-id';
import { formatGmt8 } from '../src/domain/gmt8-time';
import { syncChannelOrdersJob } from '../src/jobs/sync-channel-orders';
import { connectionForCallback } from '../src/repo/connections';
import { storePulledRecords, type PulledRecord } from '../src/repo/order-sync';
import { accountRefs, DEV_ACCOUNT_REF_KEY, parseConfig } from '@retail/platform';
import { startJdFake, startTopFake, type FakeTrade, type OrderProviderFake } from './fakes/order-provider-fakes';

// Tmall (TOP) and JD order pulls against fake providers (docs/channel-order-pulls.md): paging, signatures, GMT+8,
// big ids, exactly-once storage and events, retries with backoff, the cursor, the lease, and who may sync.

const platform = as.platform;
const lngAdmin = as.lngChannelsAdmin;
const lngSyncer = as.lngChannelsSync;
const lngAdminNoScope = as.lngAdmin;
const csmAdmin = as.csmChannelsAdmin;

const TOP = { appKey: '12345678', appSecret: 'top-secret-0001', session: 'sess-lng-0001' };
const JD = { appKey: 'JDAPPKEY01', appSecret: 'jd-secret-0001', accessToken: 'jd-token-0001' };
const BIG_TID = '4398046511104123456';

let h: SubgraphHarness;
let top: OrderProviderFake;
let jd: OrderProviderFake;
let tmallId: string;
let jdId: string;
const savedPageSize = process.env.CHANNEL_ORDER_PAGE_SIZE;

const CREATE = `mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id } userErrors { code field message } } }`;
const SYNC = `mutation($input: SyncChannelOrdersInput!) { syncChannelOrders(input: $input) {
  connection { id lastSyncAt lastError } pulled accepted duplicates userErrors { code field message } } }`;
interface SyncOut {
  syncChannelOrders: { connection: { id: string; lastSyncAt: string | null; lastError: string | null } | null; pulled: number; accepted: number; duplicates: number; userErrors: { code: string; field: string[] | null; message: string }[] };
}

const ago = (minutes: number) => formatGmt8(Date.now() - minutes * 60_000);
const trade = (tid: string, status: string, modifiedMinutesAgo: number, over: Partial<FakeTrade> = {}): FakeTrade => ({
  tid,
  status,
  created: ago(modifiedMinutesAgo + 30),
  payTime: status === 'WAIT_BUYER_PAY' ? null : ago(modifiedMinutesAgo + 29),
  modified: ago(modifiedMinutesAgo),
  payment: '258.00',
  buyerOpenUid: `open-${tid.slice(-4)}`,
  lines: [
    { skuId: '5001', outerSkuId: 'sku-lng-br-2403-wh-70b', title: '文胸 白 70B', price: '129.00', num: 2 },
  ],
  ...over,
});

async function sync(viewer: TestViewer, connectionId: string, since?: string) {
  return (await h.data<SyncOut>(viewer, SYNC, { input: { connectionId, ...(since ? { since } : {}) } })).syncChannelOrders;
}
const outbox = async (topic = 'channels.order.upserted') =>
  (await h.db.query<{ key: string; payload: Record<string, unknown> }>(`SELECT key, payload FROM channels.outbox WHERE topic = $1 ORDER BY seq`, [topic]));
const cursorOf = async (id: string) => (await h.db.query<{ cursor: string | null }>(`SELECT cursor_at::text AS cursor FROM channels.order_sync WHERE connection_id = $1`, [id]))[0]?.cursor ?? null;

beforeAll(async () => {
  process.env.CHANNEL_ORDER_PAGE_SIZE = '2';
  top = await startTopFake(TOP);
  jd = await startJdFake(JD);
  h = await startSubgraphForTest(channelsSubgraph);
  const made = async (input: Record<string, unknown>) => {
    const out = await h.data<{ createChannelConnection: { connection: { id: string } | null; userErrors: unknown[] } }>(platform, CREATE, { input });
    expect(out.createChannelConnection.userErrors).toEqual([]);
    return out.createChannelConnection.connection!.id;
  };
  tmallId = await made({ channel: 'TMALL', brandId: 'brand-lng', appId: TOP.appKey, merchantId: 'shop-lng-tmall', apiBaseUrl: `${top.url}/router/rest`, secrets: { appSecret: TOP.appSecret, accessToken: TOP.session } });
  jdId = await made({ channel: 'JD', brandId: 'brand-lng', appId: JD.appKey, merchantId: 'shop-lng-jd', apiBaseUrl: `${jd.url}/routerjson`, secrets: { appSecret: JD.appSecret, accessToken: JD.accessToken } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await top?.close();
  await jd?.close();
  process.env.CHANNEL_ORDER_PAGE_SIZE = savedPageSize;
});

describe('TOP (Tmall) pull', () => {
  it('pulls several pages, stores each record once with one channels.order.upserted, the big tid intact', async () => {
    top.trades.push(
      trade(BIG_TID, 'WAIT_SELLER_SEND_GOODS', 50),
      trade('4398046511104120002', 'TRADE_FINISHED', 40),
      trade('4398046511104120003', 'TRADE_CLOSED', 30),
      trade('4398046511104120004', 'WAIT_BUYER_PAY', 20),
      trade('4398046511104120005', 'TRADE_CLOSED_BY_TAOBAO', 10, { payTime: null }),
    );
    const out = await sync(lngAdmin, tmallId);
    expect(out).toMatchObject({ pulled: 5, accepted: 4, duplicates: 0, userErrors: [] });
    expect(Date.parse(out.connection!.lastSyncAt!)).toBeGreaterThan(Date.now() - 60_000);
    // 5 records at 2 a page: page 1 (the total), then 3, 2 and 1 again, from the last page back.
    expect(top.calls.map((c) => c.params.page_no)).toEqual(['1', '3', '2', '1']);
    for (const c of top.calls) {
      expect(c.signatureValid).toBe(true);
      expect(c.params).toMatchObject({ method: 'taobao.trades.sold.increment.get', app_key: TOP.appKey, session: TOP.session, sign_method: 'hmac-sha256', v: '2.0', format: 'json' });
      expect(c.params.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      // GMT+8 wall clock: the text read as +08:00 is now.
      expect(Math.abs(Date.parse(`${c.params.timestamp!.replace(' ', 'T')}+08:00`) - Date.now())).toBeLessThan(60_000);
    }
    const events = await outbox();
    expect(events).toHaveLength(4);
    const big = events.find((e) => e.payload.externalOrderId === BIG_TID)!;
    expect(big.key).toBe(`TMALL:${BIG_TID}`);
    expect(big.payload).toEqual({
      eventId: expect.stringMatching(/^chev/),
      orderId: expect.stringMatching(/^ord-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      connectionId: tmallId,
      channel: 'TMALL',
      brandId: 'brand-lng',
      storeId: null,
      externalOrderId: BIG_TID,
      externalStatus: 'WAIT_SELLER_SEND_GOODS',
      status: 'PAID',
      // The buyer's account as its keyed ref, never the open id (docs/events.md, "Channel accounts between subgraphs").
      buyer: { channel: 'TMALL', appId: 'shop-lng-tmall', ref: accountRefs(DEV_ACCOUNT_REF_KEY).of({ channel: 'TMALL', appId: 'shop-lng-tmall', externalId: 'open-3456' }) },
      lines: [{ externalSkuId: 'sku-lng-br-2403-wh-70b', title: '文胸 白 70B', quantity: 2, unitPriceFen: 12900 }],
      totalFen: 25800,
      paidFen: 25800,
      currency: 'CNY',
      placedAt: expect.stringMatching(/\+08:00$/),
      paidAt: expect.stringMatching(/\+08:00$/),
      updatedAt: expect.stringMatching(/\+08:00$/),
    });
    // The id is a JSON string in the stored event, never a number.
    const [raw] = await h.db.query<{ text: string }>(`SELECT payload::text AS text FROM channels.outbox WHERE key = $1`, [`TMALL:${BIG_TID}`]);
    expect(raw!.text).toContain(`"externalOrderId": "${BIG_TID}"`);
    // Neither the event nor the stored record keeps the buyer's open id.
    const openIds = await h.db.query(`SELECT 1 FROM channels.inbound_event WHERE facts::text LIKE '%open-3456%' UNION ALL SELECT 1 FROM channels.outbox WHERE payload::text LIKE '%open-3456%'`);
    expect(openIds).toEqual([]);
    expect(Object.fromEntries(events.map((e) => [e.payload.externalOrderId, e.payload.status]))).toEqual({
      [BIG_TID]: 'PAID',
      '4398046511104120002': 'COMPLETED',
      '4398046511104120003': 'REFUNDED',
      '4398046511104120005': 'CANCELLED',
    });
    const stored = await h.db.query(`SELECT status, count(*)::int AS n FROM channels.inbound_event WHERE connection_id = $1 GROUP BY status`, [tmallId]);
    expect(stored).toEqual([{ status: 'ACCEPTED', n: 4 }]);
    // Each trade's order id, minted from (channel, tid), is on its event and on its stored record.
    expect(events.map((e) => e.payload.orderId)).toEqual(events.map((e) => channelOrderId('TMALL', e.payload.externalOrderId as string)));
    expect(new Set(events.map((e) => e.payload.orderId)).size).toBe(4);
    const filed = await h.db.query<{ id: string; order_id: string }>(`SELECT id, order_id FROM channels.inbound_event WHERE connection_id = $1`, [tmallId]);
    expect(Object.fromEntries(filed.map((r) => [r.id, r.order_id]))).toEqual(Object.fromEntries(events.map((e) => [e.payload.eventId, e.payload.orderId])));
    const EVENTS = `query($id: ID!) { channelEvents(connectionId: $id, first: 10) { edges { node { eventType externalId status } } } }`;
    const listed = await h.data<{ channelEvents: { edges: { node: { eventType: string; externalId: string; status: string } }[] } }>(lngAdmin, EVENTS, { id: tmallId });
    expect(listed.channelEvents.edges.map((e) => e.node)).toContainEqual({ eventType: 'WAIT_SELLER_SEND_GOODS', externalId: expect.stringContaining(`${BIG_TID}:WAIT_SELLER_SEND_GOODS:`), status: 'ACCEPTED' });
  });

  it('re-pulling the same window has no second effect', async () => {
    const before = (await outbox()).length;
    const out = await sync(lngAdmin, tmallId, new Date(Date.now() - 2 * 3600_000).toISOString());
    expect(out).toMatchObject({ pulled: 5, accepted: 0, duplicates: 4, userErrors: [] });
    // A scheduled pull re-reads only the overlap before its cursor: nothing new either.
    const again = await sync(lngAdmin, tmallId);
    expect(again).toMatchObject({ accepted: 0, userErrors: [] });
    expect(await outbox()).toHaveLength(before);
    const [row] = await h.db.query<{ n: number; attempts: number }>(`SELECT count(*)::int AS n, min(attempts) AS attempts FROM channels.inbound_event WHERE connection_id = $1`, [tmallId]);
    expect(row).toEqual({ n: 4, attempts: 2 });
  });

  it('a later modification of a trade is a new record and a new event', async () => {
    const t = top.trades.find((x) => x.tid === BIG_TID)!;
    t.status = 'TRADE_FINISHED';
    t.modified = ago(1);
    const out = await sync(lngAdmin, tmallId);
    expect(out).toMatchObject({ accepted: 1, userErrors: [] });
    const all = await outbox();
    const last = all.at(-1)!;
    expect(last.payload).toMatchObject({ externalOrderId: BIG_TID, status: 'COMPLETED', externalStatus: 'TRADE_FINISHED' });
    // The same trade with a new status: the same order id, on both of its records.
    const first = all.find((e) => e.payload.externalOrderId === BIG_TID)!;
    expect(last.payload.orderId).toBe(first.payload.orderId);
    const records = await h.db.query<{ event_type: string; order_id: string }>(
      `SELECT event_type, order_id FROM channels.inbound_event WHERE connection_id = $1 AND external_id LIKE $2 ORDER BY received_at`,
      [tmallId, `${BIG_TID}:%`],
    );
    expect(records).toEqual([
      { event_type: 'WAIT_SELLER_SEND_GOODS', order_id: first.payload.orderId },
      { event_type: 'TRADE_FINISHED', order_id: first.payload.orderId },
    ]);
  });

  it('retries a 5xx and a rate limit with backoff, then succeeds', async () => {
    top.calls.length = 0;
    top.faults.push('HTTP_503', 'RATE_LIMIT');
    const out = await sync(lngAdmin, tmallId);
    expect(out).toMatchObject({ accepted: 0, userErrors: [] });
    const at = top.calls.map((c) => c.at);
    expect(at.length).toBeGreaterThanOrEqual(3);
    // Backoff: the first retry waits 125–250 ms, the second 250–500 ms.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(115);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(240);
  });

  it('a failure that outlasts the retries leaves the cursor where it was and records lastError', async () => {
    const cursor = await cursorOf(tmallId);
    expect(cursor).not.toBeNull();
    top.trades.push(trade('4398046511104120006', 'WAIT_SELLER_SEND_GOODS', 0));
    top.calls.length = 0;
    top.faults.push('HTTP_500', 'HTTP_500', 'HTTP_500', 'HTTP_500', 'HTTP_500');
    const before = (await outbox()).length;
    const failed = await sync(lngAdmin, tmallId);
    expect(failed.userErrors).toEqual([{ code: 'CHANNEL_REJECTED', field: ['input', 'connectionId'], message: expect.stringContaining('HTTP 500') }]);
    expect(top.calls).toHaveLength(5);
    expect(await cursorOf(tmallId)).toBe(cursor);
    expect(await outbox()).toHaveLength(before);
    const CONN = `query($id: ID!) { channelConnection(id: $id) { lastError lastSyncAt } }`;
    const c = await h.data<{ channelConnection: { lastError: string | null } }>(lngAdmin, CONN, { id: tmallId });
    expect(c.channelConnection.lastError).toContain('HTTP 500');
    // A refused session is not retried: INVALID_CREDENTIALS at once.
    top.calls.length = 0;
    top.faults.push('INVALID_SESSION');
    const refused = await sync(lngAdmin, tmallId);
    expect(refused.userErrors.map((e) => e.code)).toEqual(['INVALID_CREDENTIALS']);
    expect(top.calls).toHaveLength(1);
    expect(await cursorOf(tmallId)).toBe(cursor);
    // The next pull picks up what the failed ones missed, and clears lastError.
    const ok = await sync(lngAdmin, tmallId);
    expect(ok).toMatchObject({ accepted: 1, userErrors: [], connection: { lastError: null } });
    expect(Date.parse((await cursorOf(tmallId))!)).toBeGreaterThan(Date.parse(cursor!));
  });

  it('two pulls of one connection never run at once: parallel syncs get CONFLICT', async () => {
    top.delayMs = 200;
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => sync(lngAdmin, tmallId)));
      expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
      expect(results.flatMap((r) => r.userErrors.map((e) => e.code))).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    } finally {
      top.delayMs = 0;
    }
  });

  it('a pull whose lease was taken over stores nothing and leaves the cursor alone', async () => {
    top.trades.push(trade('4398046511104120007', 'WAIT_SELLER_SEND_GOODS', 0));
    const cursor = await cursorOf(tmallId);
    const before = (await outbox()).length;
    top.delayMs = 200;
    try {
      const running = sync(lngAdmin, tmallId);
      await new Promise((r) => setTimeout(r, 100));
      // As if the lease had expired and another replica had taken the connection.
      await h.db.query(`UPDATE channels.order_sync SET lease_holder = 'another-replica', lease_until = now() + interval '1 minute' WHERE connection_id = $1`, [tmallId]);
      expect((await running).userErrors.map((e) => e.code)).toEqual(['CONFLICT']);
    } finally {
      top.delayMs = 0;
      await h.db.query(`UPDATE channels.order_sync SET lease_holder = NULL, lease_until = NULL WHERE connection_id = $1`, [tmallId]);
    }
    expect(await cursorOf(tmallId)).toBe(cursor);
    expect(await outbox()).toHaveLength(before);
    expect(await sync(lngAdmin, tmallId)).toMatchObject({ accepted: 1, userErrors: [] });
  });

  it('the scheduled sync pulls due connections, one replica at a time, and a sync meanwhile gets CONFLICT', async () => {
    const job = syncChannelOrdersJob({ ...parseConfig(CHANNELS_SETTINGS, {}), CHANNEL_ORDER_SYNC_INTERVAL_SEC: 60 });
    expect(job.everyMs).toBe(30_000);
    await h.db.query(`UPDATE channels.order_sync SET next_sync_at = CASE WHEN connection_id = $1 THEN now() - interval '1 second' ELSE now() + interval '1 hour' END`, [tmallId]);
    top.delayMs = 200;
    try {
      const runs = [job.run(h.running.deps), job.run(h.running.deps)];
      await new Promise((r) => setTimeout(r, 100));
      const meanwhile = await sync(lngAdmin, tmallId);
      const [a, b] = (await Promise.all(runs)) as { pulled: number; failed: number; busy: number }[];
      expect(meanwhile.userErrors.map((e) => e.code)).toEqual(['CONFLICT']);
      // One run pulled it; the other found it taken (busy) or no longer due.
      expect([a!.pulled > 0, b!.pulled > 0].filter(Boolean)).toHaveLength(1);
      expect(a!.failed + b!.failed).toBe(0);
    } finally {
      top.delayMs = 0;
    }
    const [next] = await h.db.query<{ inS: number; leased: boolean }>(
      `SELECT extract(epoch FROM next_sync_at - now())::int AS "inS", lease_holder IS NOT NULL AS leased FROM channels.order_sync WHERE connection_id = $1`,
      [tmallId],
    );
    expect(next!.inS).toBeGreaterThan(50);
    expect(next!.leased).toBe(false);
    // Nothing is due now: a run pulls nothing.
    expect(await job.run(h.running.deps)).toMatchObject({ pulled: 0, busy: 0, failed: 0 });
  });

});

describe('JD pull', () => {
  it('pulls JD orders signed with md5, the big order id intact', async () => {
    jd.trades.push(
      trade('4398046511104129999', 'WAIT_SELLER_STOCK_OUT', 30),
      trade('4398046511104129998', 'FINISHED_L', 20),
      trade('4398046511104129997', 'TRADE_CANCELED', 10, { payTime: null }),
    );
    const out = await sync(lngSyncer, jdId);
    expect(out).toMatchObject({ pulled: 3, accepted: 3, duplicates: 0, userErrors: [] });
    for (const c of jd.calls) {
      expect(c.signatureValid).toBe(true);
      expect(c.params).toMatchObject({ method: 'jingdong.pop.order.search', app_key: JD.appKey, access_token: JD.accessToken, v: '2.0' });
      expect(c.business).toMatchObject({ dateType: 0, page_size: '2' });
    }
    const events = (await outbox()).filter((e) => e.payload.channel === 'JD');
    expect(Object.fromEntries(events.map((e) => [e.payload.externalOrderId, e.payload.status]))).toEqual({
      '4398046511104129999': 'PAID',
      '4398046511104129998': 'COMPLETED',
      '4398046511104129997': 'CANCELLED',
    });
    expect(events.find((e) => e.payload.externalOrderId === '4398046511104129999')!.payload).toMatchObject({
      orderId: channelOrderId('JD', '4398046511104129999'),
      buyer: { channel: 'JD', appId: 'shop-lng-jd', ref: accountRefs(DEV_ACCOUNT_REF_KEY).of({ channel: 'JD', appId: 'shop-lng-jd', externalId: 'open-9999' }) },
      paidFen: 25800,
    });
    const again = await sync(lngSyncer, jdId, new Date(Date.now() - 3600_000).toISOString());
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
  });
});

describe('Order.channelOrigin', () => {
  const ORIGINS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id channelOrigin { connection { id channel } rawStatus lastEventAt } } } }`;
  interface Origin {
    connection: { id: string; channel: string };
    rawStatus: string | null;
    lastEventAt: string | null;
  }
  const originsAs = async (viewer: TestViewer, ids: string[]) => {
    const r = ids.map((id) => ({ __typename: 'Order', id }));
    const { res, statements } = await h.countStatements<{ _entities: { id: string; channelOrigin: Origin | null }[] }>(viewer, ORIGINS, { r });
    expect(res.errors).toBeUndefined();
    return { origins: Object.fromEntries(res.data!._entities.map((e) => [e.id, e.channelOrigin])), statements };
  };
  const bigOrder = channelOrderId('TMALL', BIG_TID);
  const jdOrder = channelOrderId('JD', '4398046511104129999');

  it("is the order's latest ACCEPTED record and its connection; the demo's Tmall and JD orders have theirs", async () => {
    const { origins } = await originsAs(lngAdminNoScope, [bigOrder, jdOrder, 'ord-demo-lng-0007', 'ord-demo-lng-0008', 'ord-no-channel']);
    // The big tid was pulled as WAIT_SELLER_SEND_GOODS, then TRADE_FINISHED: the later record wins.
    expect(origins[bigOrder]).toEqual({ connection: { id: tmallId, channel: 'TMALL' }, rawStatus: 'TRADE_FINISHED', lastEventAt: expect.any(String) });
    const [latest] = await h.db.query<{ at: Date }>(`SELECT max(received_at) AS at FROM channels.inbound_event WHERE order_id = $1`, [bigOrder]);
    expect(origins[bigOrder]!.lastEventAt).toBe(latest!.at.toISOString());
    expect(origins[jdOrder]).toMatchObject({ connection: { id: jdId, channel: 'JD' }, rawStatus: 'WAIT_SELLER_STOCK_OUT' });
    expect(origins['ord-demo-lng-0007']).toEqual({ connection: { id: 'chc-demo-lng-tmall', channel: 'TMALL' }, rawStatus: 'TRADE_FINISHED', lastEventAt: '2024-11-15T02:05:00.000Z' });
    expect(origins['ord-demo-lng-0008']).toEqual({ connection: { id: 'chc-demo-lng-jd', channel: 'JD' }, rawStatus: 'WAIT_SELLER_STOCK_OUT', lastEventAt: '2024-11-11T01:35:00.000Z' });
    expect(origins['ord-no-channel']).toBeNull();
  });

  it('is fenced like the connection: the platform and the brand admins; for anybody else null, without a statement', async () => {
    expect((await originsAs(platform, [bigOrder])).origins[bigOrder]).toMatchObject({ connection: { id: tmallId } });
    expect((await originsAs(csmAdmin, [bigOrder, 'ord-demo-lng-0007'])).origins).toEqual({ [bigOrder]: null, 'ord-demo-lng-0007': null });
    // Operators, staff, guides and members never see connections (not even of their own store's orders).
    const others: TestViewer[] = [as.lngFranchiseeChannels, as.lngStaffChannels, { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-01', guideId: 'gd-lng-01-1' }, as.lngMember];
    for (const viewer of others) expect(await originsAs(viewer, [bigOrder, 'ord-demo-lng-0007'])).toEqual({ origins: { [bigOrder]: null, 'ord-demo-lng-0007': null }, statements: 0 });
  });

  it('costs one statement for any number of orders', async () => {
    const one = await originsAs(lngAdmin, [bigOrder]);
    const many = await originsAs(lngAdmin, [bigOrder, jdOrder, 'ord-demo-lng-0007', 'ord-demo-lng-0008', ...Array.from({ length: 30 }, (_, i) => `ord-none-${i}`)]);
    expect(Object.values(many.origins).filter(Boolean)).toHaveLength(4);
    expect([one.statements, many.statements]).toEqual([1, 1]);
  });
});

describe('who may sync', () => {
  it('the platform and the brand admins with channels:admin or channels:sync; nobody else', async () => {
    expect((await sync(platform, jdId)).userErrors).toEqual([]);
    expect((await sync(csmAdmin, jdId)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    for (const other of [as.lngStaffChannels, as.lngFranchiseeChannels, as.lngMember]) expect((await sync(other, jdId)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(errorCodes(await h.gql(lngAdminNoScope, SYNC, { input: { connectionId: jdId } }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(as.anonymous, SYNC, { input: { connectionId: jdId } }))).toEqual(['UNAUTHENTICATED']);
    expect((await sync(lngAdmin, 'chc-nope')).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect((await sync(lngAdmin, jdId, new Date(Date.now() + 3600_000).toISOString())).userErrors.map((e) => e.field)).toEqual([['input', 'since']]);
    expect((await sync(lngAdmin, jdId, new Date(Date.now() - 200 * 86_400_000).toISOString())).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
  });

  it('refuses a connection that is not pulled, and a DISABLED one', async () => {
    const made = await h.data<{ createChannelConnection: { connection: { id: string } } }>(platform, CREATE, {
      input: { channel: 'WECOM', brandId: 'brand-lng', appId: 'ww-corp-1', secrets: { appSecret: 'wecom-secret' } },
    });
    expect((await sync(lngAdmin, made.createChannelConnection.connection.id)).userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
    await h.data(platform, `mutation($input: DisableChannelConnectionInput!) { disableChannelConnection(input: $input) { userErrors { code } } }`, { input: { connectionId: jdId } });
    expect((await sync(lngAdmin, jdId)).userErrors.map((e) => e.code)).toEqual(['CHANNEL_DISABLED']);
  });
});

describe('storing a window', () => {
  it('appends the channels.order.upserted of any number of new records in one statement, in their order', async () => {
    const connection = (await connectionForCallback(h.db, tmallId))!;
    const record = (tid: string): PulledRecord => ({
      externalId: `${tid}:TRADE_FINISHED:2026-01-01T10:00:00+08:00`,
      eventType: 'TRADE_FINISHED',
      upserted: { orderId: channelOrderId('TMALL', tid), externalOrderId: tid, buyer: { channel: 'TMALL', appId: 'shop-lng-tmall', ref: `ref-${tid}` }, placedAt: '2026-01-01T09:00:00+08:00' },
      error: null,
      orderKey: `TMALL:${tid}`,
      orderId: channelOrderId('TMALL', tid),
    });
    const store = async (tids: string[]) => {
      let statements = 0;
      const counts = await h.db.transaction((tx) =>
        storePulledRecords({ inTransaction: true, query: (text, params) => (statements++, tx.query(text, params)) }, connection, tids.map(record)),
      );
      return { counts, statements };
    };
    const one = await store(['4398046511100000001']);
    const many = await store(Array.from({ length: 6 }, (_, i) => `439804651110000001${i}`).reverse());
    expect(one.counts).toEqual({ accepted: 1, duplicates: 0, rejected: 0 });
    expect(many.counts).toEqual({ accepted: 6, duplicates: 0, rejected: 0 });
    expect(many.statements).toBe(one.statements);
    const keys = (await outbox()).map((e) => e.key).filter((k) => k.startsWith('TMALL:43980465111000000'));
    expect(keys).toEqual(['TMALL:4398046511100000001', ...Array.from({ length: 6 }, (_, i) => `TMALL:439804651110000001${5 - i}`)]);
  });
});
