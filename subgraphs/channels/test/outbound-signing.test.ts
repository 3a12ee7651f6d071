import crypto from 'node:crypto';
import { alipayRequestParams, alipayRequestSignContent, alipayTimestamp, callAlipay, fromAlipayTime, rawJsonMember } from '../src/providers/alipay/openapi';
import { sendAlipayRefund } from '../src/providers/alipay/refund';
import { fenToYuan } from '../src/providers/outbound-refund';
import { ProviderCallError } from '../src/providers/provider-error';
import { callWechatPay, wechatpayAuthorization, wechatpayRequestMessage } from '../src/providers/wechatpay/api-v3';
import { sendWechatPayRefund } from '../src/providers/wechatpay/refund';
import { alipayCheckContent, startAlipayFake, type AlipayFake } from './fakes/alipay-openapi-fake';
import { rsaKeyPair } from './fakes/fake-http';
import { parseWechatAuthorization, startWechatPayFake, type WechatPayFake } from './fakes/wechatpay-api-fake';

describe('Alipay openapi request signing (RSA2)', () => {
  it('signs over the parameters sorted by key, empty ones and sign left out, values as sent', () => {
    // The example of Alipay's signing guide: parameters in byte order of their keys, joined k=v with &.
    const params = {
      app_id: '2014072300007148',
      method: 'alipay.mobile.public.menu.add',
      format: 'JSON',
      charset: 'GBK',
      sign_type: 'RSA2',
      timestamp: '2014-07-24 03:07:50',
      version: '1.0',
      biz_content: '{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"}]}',
      notify_url: '',
      sign: 'ignored',
    };
    expect(alipayRequestSignContent(params)).toBe(
      'app_id=2014072300007148&biz_content={"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"}]}&charset=GBK&format=JSON&method=alipay.mobile.public.menu.add&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0',
    );
    expect(alipayRequestSignContent(params)).toBe(alipayCheckContent(new URLSearchParams(params)));
  });

  it('produces a signature an independent SHA256withRSA check accepts, and nothing else does', () => {
    const app = rsaKeyPair();
    const params = alipayRequestParams({ appId: '2021000000000001', appPrivateKey: app.privateKey }, 'alipay.trade.refund', { out_trade_no: 'ord-1', refund_amount: '25.00', out_request_no: 'rfd-1' }, new Date('2026-01-05T02:00:00Z'));
    expect(params).toMatchObject({ app_id: '2021000000000001', method: 'alipay.trade.refund', sign_type: 'RSA2', charset: 'utf-8', version: '1.0', timestamp: '2026-01-05 10:00:00' });
    // Round trip through the form encoding, verified the way Alipay does.
    const form = new URLSearchParams(new URLSearchParams(params).toString());
    expect(crypto.createVerify('RSA-SHA256').update(alipayCheckContent(form)).verify(app.publicKey, form.get('sign')!, 'base64')).toBe(true);
    form.set('biz_content', form.get('biz_content')!.replace('25.00', '26.00'));
    expect(crypto.createVerify('RSA-SHA256').update(alipayCheckContent(form)).verify(app.publicKey, form.get('sign')!, 'base64')).toBe(false);
    expect(crypto.createVerify('RSA-SHA256').update(alipayCheckContent(new URLSearchParams(params))).verify(rsaKeyPair().publicKey, params.sign!, 'base64')).toBe(false);
  });

  it('writes and reads Alipay times in GMT+8 and amounts in yuan', () => {
    expect(alipayTimestamp(new Date('2026-12-31T16:30:05Z'))).toBe('2027-01-01 00:30:05');
    expect(fromAlipayTime('2027-01-01 00:30:05')).toBe('2026-12-31T16:30:05.000Z');
    expect(fromAlipayTime('yesterday')).toBeNull();
    expect([fenToYuan(2500), fenToYuan(1), fenToYuan(100), fenToYuan(123456)]).toEqual(['25.00', '0.01', '1.00', '1234.56']);
    expect(() => fenToYuan(1.5)).toThrow();
  });

  it('takes the raw text of the signed response node, whitespace, escapes and nesting kept', () => {
    const text = '{ "alipay_trade_refund_response" : {"code":"10000","msg":"Su\\"cc}ess","nested":{"a":[1,{"b":"}"}]}} ,"sign":"abc"}';
    expect(rawJsonMember(text, 'alipay_trade_refund_response')).toBe('{"code":"10000","msg":"Su\\"cc}ess","nested":{"a":[1,{"b":"}"}]}}');
    expect(rawJsonMember(text, 'sign')).toBe('"abc"');
    expect(rawJsonMember(text, 'code')).toBeNull();
  });
});

describe('Alipay refund against the fake gateway', () => {
  let fake: AlipayFake;
  beforeAll(async () => {
    fake = await startAlipayFake();
  });
  afterAll(() => fake.close());
  const account = () => ({ appId: fake.appId, gatewayUrl: fake.url, appPrivateKey: fake.app.privateKey, alipayPublicKey: fake.alipay.publicKey });
  const refund = { refundId: 'rfd-u1', orderId: 'ord-u1', providerTransactionId: '2026010522001', amountFen: 2500, paidFen: 10000, currency: 'CNY', reason: 'size' };

  it('fund_change Y succeeds; the same out_request_no again is settled by the refund query, one refund at Alipay', async () => {
    expect(await sendAlipayRefund(account(), refund)).toEqual({ kind: 'SUCCEEDED', providerRefundNo: 'rfd-u1', refundedAt: '2026-01-05T02:00:00.000Z' });
    expect(await sendAlipayRefund(account(), refund)).toEqual({ kind: 'SUCCEEDED', providerRefundNo: 'rfd-u1', refundedAt: '2026-01-05T02:00:00.000Z' });
    expect([...fake.refunds.values()]).toEqual([{ outRequestNo: 'rfd-u1', tradeNo: '2026010522001', amount: '25.00', at: '2026-01-05 10:00:00' }]);
    expect(fake.badSignatures).toBe(0);
  });

  it('refuses what Alipay refuses, retries its system errors, and believes no unsigned or wrongly signed answer', async () => {
    expect(await sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u2', providerTransactionId: 'trade-closed' })).toMatchObject({ kind: 'REFUSED', reason: expect.stringContaining('ACQ.TRADE_STATUS_ERROR') });
    fake.failNext.push('system-error');
    await expect(sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u3' })).rejects.toMatchObject({ kind: 'RETRYABLE', providerCode: '40004 ACQ.SYSTEM_ERROR' });
    fake.failNext.push('unsigned');
    await expect(sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u3' })).rejects.toMatchObject({ kind: 'RETRYABLE', providerCode: 'BAD_SIGNATURE' });
    await expect(callAlipay({ ...account(), alipayPublicKey: rsaKeyPair().publicKey }, 'alipay.trade.fastpay.refund.query', { out_request_no: 'rfd-u1' })).rejects.toBeInstanceOf(ProviderCallError);
    // A request signed with another key is refused by the gateway (40002 isv.invalid-signature, answered unsigned):
    // sending it again is refused again, so it is REFUSED for good with Alipay's code, not retried forever.
    const before = fake.badSignatures;
    expect(await sendAlipayRefund({ ...account(), appPrivateKey: rsaKeyPair().privateKey }, { ...refund, refundId: 'rfd-u4' })).toEqual({
      kind: 'REFUSED',
      reason: expect.stringContaining('40002 isv.invalid-signature'),
    });
    expect(fake.badSignatures).toBe(before + 1);
    expect(fake.refunds.has('rfd-u4')).toBe(false);
  });

  it("classifies the gateway's unsigned refusals: permissions are REFUSED, a timestamp refusal and system errors are retried", async () => {
    fake.failNext.push('no-permission');
    expect(await sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u5' })).toEqual({ kind: 'REFUSED', reason: expect.stringContaining('40006 isv.insufficient-isv-permissions') });
    fake.failNext.push('invalid-timestamp');
    await expect(sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u5' })).rejects.toMatchObject({ kind: 'RETRYABLE', providerCode: 'BAD_SIGNATURE' });
    fake.failNext.push('system-error');
    await expect(sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u5' })).rejects.toMatchObject({ retryable: true, providerCode: '40004 ACQ.SYSTEM_ERROR' });
    fake.failNext.push('http500');
    await expect(sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u5' })).rejects.toMatchObject({ retryable: true });
    expect(fake.refunds.has('rfd-u5')).toBe(false);
    // A success left unsigned is still not believed.
    fake.failNext.push('unsigned');
    await expect(sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u5' })).rejects.toMatchObject({ kind: 'RETRYABLE', providerCode: 'BAD_SIGNATURE' });
    expect(await sendAlipayRefund(account(), { ...refund, refundId: 'rfd-u5' })).toMatchObject({ kind: 'SUCCEEDED' });
  });
});

describe('WeChat Pay v3 request signing', () => {
  it('builds the Authorization header over METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n that an independent check accepts', () => {
    const merchant = rsaKeyPair();
    const body = '{"out_refund_no":"rfd-1"}';
    const header = wechatpayAuthorization(
      { mchid: '1900009191', merchantPrivateKey: merchant.privateKey, merchantCertSerial: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C' },
      { method: 'POST', urlPath: '/v3/refund/domestic/refunds', body, timestamp: '1554208460', nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' },
    );
    const parts = parseWechatAuthorization(header)!;
    expect(parts).toMatchObject({ mchid: '1900009191', nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242', timestamp: '1554208460', serial_no: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C' });
    expect(wechatpayRequestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    const message = `POST\n/v3/refund/domestic/refunds\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n${body}\n`;
    expect(crypto.createVerify('RSA-SHA256').update(message).verify(merchant.publicKey, parts.signature!, 'base64')).toBe(true);
    expect(crypto.createVerify('RSA-SHA256').update(message.replace('rfd-1', 'rfd-2')).verify(merchant.publicKey, parts.signature!, 'base64')).toBe(false);
  });
});

describe('WeChat Pay refund against the fake API', () => {
  let fake: WechatPayFake;
  beforeAll(async () => {
    fake = await startWechatPayFake();
  });
  afterAll(() => fake.close());
  const account = () => ({ mchid: fake.mchid, baseUrl: fake.url, merchantPrivateKey: fake.merchant.privateKey, merchantCertSerial: fake.merchantSerial, platformKeys: [{ serial: fake.platformSerial, publicKey: fake.platform.publicKey }] });
  const refund = { refundId: 'rfd-w1', orderId: 'ord-w1', providerTransactionId: '4200000001', amountFen: 2500, paidFen: 10000, currency: 'CNY', reason: null };

  it('SUCCESS succeeds with the refund_id; sent again it is the same refund', async () => {
    const first = await sendWechatPayRefund(account(), refund, { alreadySent: false });
    expect(first).toEqual({ kind: 'SUCCEEDED', providerRefundNo: '500001', refundedAt: '2026-01-05T02:00:00.000Z' });
    expect(await sendWechatPayRefund(account(), refund, { alreadySent: true })).toEqual(first);
    expect(await sendWechatPayRefund(account(), refund, { alreadySent: false })).toEqual(first);
    expect(fake.refunds.size).toBe(1);
    expect(fake.badSignatures).toBe(0);
    const sent = JSON.parse(fake.requests.find((r) => r.method === 'POST')!.body);
    expect(sent).toEqual({ transaction_id: '4200000001', out_refund_no: 'rfd-w1', amount: { refund: 2500, total: 10000, currency: 'CNY' } });
  });

  it('PROCESSING waits and the query settles it; refusals, system errors and badly signed answers are told apart', async () => {
    fake.processing = true;
    expect(await sendWechatPayRefund(account(), { ...refund, refundId: 'rfd-w2' }, { alreadySent: false })).toMatchObject({ kind: 'PROCESSING' });
    fake.processing = false;
    expect(await sendWechatPayRefund(account(), { ...refund, refundId: 'rfd-w2' }, { alreadySent: true })).toMatchObject({ kind: 'SUCCEEDED', providerRefundNo: '500002' });
    expect(await sendWechatPayRefund(account(), { ...refund, refundId: 'rfd-w3', providerTransactionId: 'tx-closed' }, { alreadySent: false })).toMatchObject({ kind: 'REFUSED', reason: expect.stringContaining('INVALID_REQUEST') });
    fake.failNext.push('system-error');
    await expect(sendWechatPayRefund(account(), { ...refund, refundId: 'rfd-w4' }, { alreadySent: false })).rejects.toMatchObject({ kind: 'RETRYABLE' });
    // Not sent before: the query finds nothing (RESOURCE_NOT_EXISTS) and it is sent.
    expect(await sendWechatPayRefund(account(), { ...refund, refundId: 'rfd-w4' }, { alreadySent: true })).toMatchObject({ kind: 'SUCCEEDED' });
    await expect(callWechatPay({ ...account(), platformKeys: [{ serial: fake.platformSerial, publicKey: rsaKeyPair().publicKey }] }, 'GET', '/v3/refund/domestic/refunds/rfd-w1')).rejects.toMatchObject({ providerCode: 'BAD_SIGNATURE' });
    const bad = await callWechatPay({ ...account(), merchantPrivateKey: rsaKeyPair().privateKey }, 'GET', '/v3/refund/domestic/refunds/rfd-w1');
    expect(bad).toMatchObject({ status: 401, body: { code: 'SIGN_ERROR' } });
  });
});
