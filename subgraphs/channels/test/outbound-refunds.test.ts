import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { applyRefundRequested } from '../src/events/refund-requested';
import { sendDueRefunds } from '../src/jobs/send-refunds';
import { startAlipayFake, type AlipayFake } from './fakes/alipay-openapi-fake';
import { startWechatPayFake, type WechatPayFake } from './fakes/wechatpay-api-fake';
import { channelsOutbox, createConnection, publishTestEvent, silentLogger, testKeyring, waitFor } from './outbound-fixtures';

// orders.refund.requested → the refund at Alipay / WeChat Pay → channels.refund.succeeded (docs/events.md, Refunds).

let h: SubgraphHarness;
let alipay: AlipayFake;
let wechat: WechatPayFake;
const deps = () => ({ db: h.db, logger: silentLogger, keyring: testKeyring(), random: () => 0 });

beforeAll(async () => {
  [h, alipay, wechat] = await Promise.all([startSubgraphForTest(channelsSubgraph, { seed: false }), startAlipayFake(), startWechatPayFake()]);
  await createConnection(h, { channel: 'ALIPAY', brandId: 'brand-lng', appId: alipay.appId, apiBaseUrl: alipay.url, secrets: { appPrivateKey: alipay.app.privateKey, alipayPublicKey: alipay.alipay.publicKey } });
  await createConnection(h, {
    channel: 'WECHAT_PAY',
    brandId: 'brand-lng',
    appId: 'wx8888888888888888',
    merchantId: wechat.mchid,
    apiBaseUrl: wechat.url,
    secrets: { merchantPrivateKey: wechat.merchant.privateKey, merchantCertSerial: wechat.merchantSerial, apiV3Key: 'a'.repeat(32), platformKeys: [{ serial: wechat.platformSerial, publicKey: wechat.platform.publicKey }] },
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([h?.close(), alipay?.close(), wechat?.close()]);
});

const requested = (refundId: string, over: Record<string, unknown> = {}) => ({
  refundId,
  orderId: `ord-${refundId}`,
  brandId: 'brand-lng',
  provider: 'ALIPAY',
  providerTransactionId: `trade-${refundId}`,
  amountFen: 2500,
  paidFen: 10000,
  currency: 'CNY',
  reason: 'wrong size',
  requestedAt: '2026-01-05T10:00:00+08:00',
  ...over,
});

const row = async (refundId: string) =>
  (await h.db.query<{ status: string; attempts: number; lastError: string | null; providerRefundNo: string | null }>(
    `SELECT status, attempts, last_error AS "lastError", provider_refund_no AS "providerRefundNo" FROM channels.outbound_refund WHERE refund_id = $1`,
    [refundId],
  ))[0];
/** Makes a rescheduled refund due now (instead of waiting out its backoff). */
const dueNow = (refundId: string) => h.db.query(`UPDATE channels.outbound_refund SET next_attempt_at = now() WHERE refund_id = $1`, [refundId]);
/** Runs the job until the refund is settled (the subgraph's own job may take part: the effects stay once). */
async function settle(refundId: string): Promise<void> {
  await waitFor(async () => {
    await sendDueRefunds(deps());
    return ['SUCCEEDED', 'REFUSED'].includes((await row(refundId))?.status ?? '');
  });
}

describe('refunds sent to the payment provider', () => {
  it('an orders.refund.requested event becomes one Alipay refund and one channels.refund.succeeded, with three job runs in parallel', async () => {
    const event = requested('rfd-a1');
    await publishTestEvent(h.db, 'orders', 'orders.refund.requested', event.orderId, event);
    await waitFor(async () => (await row('rfd-a1')) !== undefined);
    alipay.delayMs = 200;
    const runs = await Promise.all([sendDueRefunds(deps()), sendDueRefunds(deps()), sendDueRefunds(deps())]);
    alipay.delayMs = 0;
    await settle('rfd-a1');
    expect(runs.reduce((n, r) => n + r.succeeded, 0)).toBeLessThanOrEqual(1);
    expect([...alipay.refunds.keys()].filter((k) => k === 'rfd-a1')).toHaveLength(1);
    expect(alipay.requests.filter((r) => new URLSearchParams(r.body).get('method') === 'alipay.trade.refund' && r.body.includes('rfd-a1'))).toHaveLength(1);
    const connectionId = (await h.db.query<{ id: string }>(`SELECT id FROM channels.connection WHERE channel = 'ALIPAY'`))[0]!.id;
    expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-rfd-a1')).toEqual([
      { eventId: 'refund:rfd-a1', connectionId, provider: 'ALIPAY', orderId: 'ord-rfd-a1', providerRefundNo: 'rfd-a1', amountFen: 2500, currency: 'CNY', refundedAt: '2026-01-05T02:00:00.000Z', refundId: 'rfd-a1' },
    ]);
    expect(await row('rfd-a1')).toMatchObject({ status: 'SUCCEEDED', providerRefundNo: 'rfd-a1' });
    // The event again (a redelivery under a new envelope id, or the same refund asked twice) sends nothing more.
    await h.db.transaction((tx) => applyRefundRequested(tx, event));
    await sendDueRefunds(deps());
    expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-rfd-a1')).toHaveLength(1);
    expect(alipay.badSignatures).toBe(0);
  });

  it('a provider that fails first is retried with backoff, and the refund succeeds once', async () => {
    await h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-a2')));
    alipay.failNext.push('http500', 'system-error');
    const first = await sendDueRefunds(deps());
    expect(first.retrying).toBeGreaterThanOrEqual(1);
    const waiting = await h.db.query<{ due: boolean }>(`SELECT next_attempt_at > now() + interval '20 seconds' AS due FROM channels.outbound_refund WHERE refund_id = 'rfd-a2'`);
    expect(waiting[0]!.due).toBe(true);
    expect(await row('rfd-a2')).toMatchObject({ status: 'PENDING', lastError: expect.stringMatching(/HTTP 500|ACQ.SYSTEM_ERROR/) });
    await dueNow('rfd-a2');
    await sendDueRefunds(deps());
    await dueNow('rfd-a2');
    await settle('rfd-a2');
    expect((await row('rfd-a2'))!.attempts).toBeGreaterThanOrEqual(2);
    expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-rfd-a2')).toEqual([expect.objectContaining({ refundId: 'rfd-a2', amountFen: 2500 })]);
  });

  it('a refund Alipay refuses for good is REFUSED with the reason and publishes channels.refund.failed once, with job runs in parallel', async () => {
    await h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-a3', { providerTransactionId: 'trade-closed' })));
    alipay.delayMs = 100;
    await Promise.all([sendDueRefunds(deps()), sendDueRefunds(deps()), sendDueRefunds(deps())]);
    alipay.delayMs = 0;
    await settle('rfd-a3');
    expect(await row('rfd-a3')).toMatchObject({ status: 'REFUSED', lastError: expect.stringContaining('ACQ.TRADE_STATUS_ERROR') });
    expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-rfd-a3')).toEqual([]);
    const connectionId = (await h.db.query<{ id: string }>(`SELECT id FROM channels.connection WHERE channel = 'ALIPAY'`))[0]!.id;
    const failed = await channelsOutbox(h.db, 'channels.refund.failed', 'ord-rfd-a3');
    expect(failed).toEqual([
      { eventId: 'refund-failed:rfd-a3', connectionId, provider: 'ALIPAY', orderId: 'ord-rfd-a3', refundId: 'rfd-a3', reason: expect.stringContaining('ACQ.TRADE_STATUS_ERROR'), failedAt: expect.any(String) },
    ]);
    expect(Number.isNaN(Date.parse(failed[0]!.failedAt as string))).toBe(false);
    // Asked again (a redelivery) and run again: still one refusal, one event.
    await h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-a3', { providerTransactionId: 'trade-closed' })));
    await sendDueRefunds(deps());
    expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-rfd-a3')).toHaveLength(1);
  });

  it('a request the Alipay gateway refuses unsigned (40002 isv.invalid-signature: wrong app key) is REFUSED, not retried forever', async () => {
    const other = await startAlipayFake('2021000000000077');
    try {
      await createConnection(h, { channel: 'ALIPAY', brandId: 'brand-keys', appId: '2021000000000077', apiBaseUrl: other.url, secrets: { appPrivateKey: alipay.app.privateKey, alipayPublicKey: other.alipay.publicKey } });
      await h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-a4', { brandId: 'brand-keys' })));
      await settle('rfd-a4');
      expect(await row('rfd-a4')).toMatchObject({ status: 'REFUSED', attempts: 1, lastError: expect.stringContaining('40002 isv.invalid-signature') });
      expect(other.badSignatures).toBe(1);
      expect(await channelsOutbox(h.db, 'channels.refund.failed', 'ord-rfd-a4')).toEqual([expect.objectContaining({ refundId: 'rfd-a4', reason: expect.stringContaining('isv.invalid-signature') })]);
    } finally {
      await other.close();
    }
  });

  it('a WeChat Pay refund PROCESSING waits and is asked after until SUCCESS, then published once', async () => {
    wechat.processing = true;
    await h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-w1', { provider: 'WECHAT_PAY', providerTransactionId: '420000000001' })));
    await waitFor(async () => {
      await sendDueRefunds(deps());
      return (await row('rfd-w1'))?.status === 'PROCESSING';
    });
    expect(await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-rfd-w1')).toEqual([]);
    wechat.processing = false;
    await dueNow('rfd-w1');
    await settle('rfd-w1');
    const payloads = await channelsOutbox(h.db, 'channels.refund.succeeded', 'ord-rfd-w1');
    expect(payloads).toEqual([expect.objectContaining({ provider: 'WECHAT_PAY', refundId: 'rfd-w1', providerRefundNo: wechat.refunds.get('rfd-w1')!.refundId, amountFen: 2500, currency: 'CNY' })]);
    expect(wechat.refunds.size).toBe(1);
    expect(wechat.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(wechat.badSignatures).toBe(0);
  });

  it('waits (retrying) while the brand has no connection for the provider, and refuses a payload without what it needs', async () => {
    await h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-n1', { brandId: 'brand-csm' })));
    await sendDueRefunds(deps());
    expect(await row('rfd-n1')).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('no ACTIVE ALIPAY connection') });
    await expect(h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-n2', { provider: 'CASH' })))).rejects.toThrow(/payload needs/);
    await expect(h.db.transaction((tx) => applyRefundRequested(tx, requested('rfd-n3', { amountFen: 20000 })))).rejects.toThrow(/payload needs/);
    await expect(h.db.transaction((tx) => applyRefundRequested(tx, { refundId: 'rfd-n4' }))).rejects.toThrow(/payload needs/);
  });
});
