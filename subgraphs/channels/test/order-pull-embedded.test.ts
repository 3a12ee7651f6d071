import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { formatGmt8 } from '../src/domain/gmt8-time';
import { startTopFake, type OrderProviderFake } from './fakes/order-provider-fakes';

// The order pull's SQL (lease, bulk store, cursor) on the default `npm start` database: one PGlite behind pglite-socket.
describe('order pulls on the embedded database', () => {
  const platform: TestViewer = { role: 'PLATFORM_ADMIN' };
  const TOP = { appKey: '34567890', appSecret: 'embedded-top-secret', session: 'embedded-session' };
  let h: SubgraphHarness;
  let top: OrderProviderFake;
  beforeAll(async () => {
    top = await startTopFake(TOP);
    h = await startSubgraphForTest(channelsSubgraph, { database: await createTestEmbedded('channels') });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await top?.close();
  });

  test('a pull stores each record once, a re-pull and parallel syncs change nothing', async () => {
    const created = await h.data<{ createChannelConnection: { connection: { id: string } } }>(
      platform,
      `mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) { connection { id } userErrors { code } } }`,
      { input: { channel: 'TMALL', brandId: 'brand-lng', appId: TOP.appKey, merchantId: 'shop-emb', apiBaseUrl: `${top.url}/router/rest`, secrets: { appSecret: TOP.appSecret, accessToken: TOP.session } } },
    );
    const connectionId = created.createChannelConnection.connection.id;
    for (let i = 0; i < 3; i++) {
      const at = formatGmt8(Date.now() - (20 + i) * 60_000);
      top.trades.push({ tid: `439804651110412345${i}`, status: 'WAIT_SELLER_SEND_GOODS', created: at, payTime: at, modified: at, payment: '10.00', buyerOpenUid: `b${i}`, lines: [{ skuId: '1', outerSkuId: null, title: 't', price: '10.00', num: 1 }] });
    }
    const SYNC = `mutation($input: SyncChannelOrdersInput!) { syncChannelOrders(input: $input) { accepted duplicates userErrors { code } } }`;
    type Out = { syncChannelOrders: { accepted: number; duplicates: number; userErrors: { code: string }[] } };
    expect((await h.data<Out>(platform, SYNC, { input: { connectionId } })).syncChannelOrders).toEqual({ accepted: 3, duplicates: 0, userErrors: [] });
    const since = new Date(Date.now() - 3600_000).toISOString();
    const parallel = await Promise.all(Array.from({ length: 3 }, () => h.data<Out>(platform, SYNC, { input: { connectionId, since } })));
    for (const p of parallel) {
      if (p.syncChannelOrders.userErrors.length) expect(p.syncChannelOrders.userErrors).toEqual([{ code: 'CONFLICT' }]);
      else expect(p.syncChannelOrders).toMatchObject({ accepted: 0, duplicates: 3 });
    }
    const rows = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM channels.outbox WHERE topic = 'channels.order.upserted'`);
    expect(rows).toEqual([{ n: 3 }]);
  });
});
