import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { applyGuideHandover } from '../src/events/guide-handover';
import { GUIDE_DIRECTORY } from '../src/repo/guide-directory';
import { applyRefundRequested } from '../src/events/refund-requested';
import { sendDueRefunds } from '../src/jobs/send-refunds';
import { runWecomTransfers } from '../src/jobs/wecom-transfers';
import { WecomTokenCache } from '../src/providers/wecom/api';
import { startAlipayFake, type AlipayFake } from './fakes/alipay-openapi-fake';
import { startWecomFake, type WecomFake } from './fakes/wecom-fake';
import { channelsOutbox, createConnection, silentLogger, testKeyring } from './outbound-fixtures';

// The outbound jobs on the embedded database (PGlite over pglite-socket, one shared session), as `npm start` runs them.

let h: SubgraphHarness;
let alipay: AlipayFake;
let wecom: WecomFake;
const deps = () => ({ db: h.db, logger: silentLogger, keyring: testKeyring() });

beforeAll(async () => {
  [h, alipay, wecom] = await Promise.all([startSubgraphForTest(channelsSubgraph, { seed: false, database: createTestEmbedded }), startAlipayFake(), startWecomFake()]);
  await createConnection(h, { channel: 'ALIPAY', brandId: 'brand-lng', appId: alipay.appId, apiBaseUrl: alipay.url, secrets: { appPrivateKey: alipay.app.privateKey, alipayPublicKey: alipay.alipay.publicKey } });
  await createConnection(h, { channel: 'WECOM', brandId: 'brand-lng', appId: wecom.corpId, apiBaseUrl: wecom.url, secrets: { appSecret: wecom.secret } });
}, 120_000);
afterAll(async () => {
  await Promise.all([h?.close(), alipay?.close(), wecom?.close()]);
});

describe('outbound calls on the embedded database', () => {
  it('sends a refund once with parallel job runs and publishes channels.refund.succeeded once', async () => {
    const event = { refundId: 'rfd-e1', orderId: 'ord-e1', brandId: 'brand-lng', provider: 'ALIPAY', providerTransactionId: 'trade-e1', amountFen: 990, paidFen: 990, currency: 'CNY', reason: null, requestedAt: '2026-01-05T10:00:00+08:00' };
    await h.db.transaction((tx) => applyRefundRequested(tx, event));
    await h.db.transaction((tx) => applyRefundRequested(tx, event));
    await Promise.all([sendDueRefunds(deps()), sendDueRefunds(deps())]);
    await sendDueRefunds(deps());
    expect(alipay.refunds.size).toBe(1);
    expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-e1')).toEqual([expect.objectContaining({ refundId: 'rfd-e1', amountFen: 990, providerRefundNo: 'rfd-e1' })]);
  });

  it('records a handover once and moves its customers in WeCom', async () => {
    for (const [id, user] of [['gd-e1', 'u-e1'], ['gd-e2', 'u-e2']] as const) {
      await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id, brandId: 'brand-lng', storeId: 'store-lng-01', wecomUserId: user, status: 'ACTIVE' }));
    }
    const moves = Array.from({ length: 120 }, (_, i) => ({ memberId: `mem-e${i}`, fromGuideId: 'gd-e1', toGuideId: 'gd-e2', reason: 'REASSIGNED', wecomContacts: [{ corpId: wecom.corpId, externalUserId: `wm-e${i}` }] }));
    const event = { handoverId: 'gh-e1', brandId: 'brand-lng', at: '2026-01-05T10:00:00+08:00', kind: 'ASSIGN', moves };
    await h.db.transaction((tx) => applyGuideHandover(tx, event));
    await h.db.transaction((tx) => applyGuideHandover(tx, event));
    const tokens = new WecomTokenCache();
    await Promise.all([runWecomTransfers({ ...deps(), tokens }), runWecomTransfers({ ...deps(), tokens })]);
    expect(wecom.batchSizes).toEqual([100, 20]);
    const rows = await h.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM channels.wecom_transfer WHERE handover_id = 'gh-e1' GROUP BY status`);
    expect(rows).toEqual([{ status: 'WAITING', n: 120 }]);
    expect(wecom.tokensIssued).toBe(1);
  });
});
