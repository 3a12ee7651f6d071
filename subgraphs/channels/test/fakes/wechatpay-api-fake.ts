import crypto from 'node:crypto';
import { rsaKeyPair, startFakeServer, type FakeAnswer, type FakeRequest, type FakeServer } from './fake-http';

// A fake WeChat Pay API v3 for outbound calls: it checks the Authorization header the way WeChat Pay does (scheme
// WECHATPAY2-SHA256-RSA2048, the mchid, the merchant certificate's serial, a timestamp within 5 minutes, SHA256withRSA
// over `METHOD\nURL\ntimestamp\nnonce\nbody\n` with the merchant's public key) and signs every answer with the
// platform key (Wechatpay-Serial, -Timestamp, -Nonce, -Signature over `timestamp\nnonce\nbody\n`).

export interface WechatRefundAtFake {
  outRefundNo: string;
  refundId: string;
  status: 'SUCCESS' | 'PROCESSING';
  refund: number;
  total: number;
  transactionId: string;
}

export interface WechatPayFake extends FakeServer {
  mchid: string;
  merchantSerial: string;
  platformSerial: string;
  merchant: { privateKey: string; publicKey: string };
  platform: { privateKey: string; publicKey: string };
  refunds: Map<string, WechatRefundAtFake>;
  badSignatures: number;
  /** New refunds start PROCESSING (a later query finds them SUCCESS) when true. */
  processing: boolean;
  failNext: Array<'http500' | 'system-error'>;
  /** Coupons sent, by out_request_no. */
  coupons: Map<string, { couponId: string; openid: string; appid: string; stockId: string; status: 'SENDED' | 'USED' | 'EXPIRED' }>;
}

/** The parts of an Authorization header (independent of src/providers/wechatpay). */
export function parseWechatAuthorization(header: string | undefined): Record<string, string> | null {
  const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(header ?? '');
  if (!m) return null;
  const parts: Record<string, string> = {};
  for (const kv of m[1]!.matchAll(/(\w+)="([^"]*)"/g)) parts[kv[1]!] = kv[2]!;
  return parts;
}

export async function startWechatPayFake(mchid = '1900000109'): Promise<WechatPayFake> {
  const merchant = rsaKeyPair();
  const platform = rsaKeyPair();
  const refunds = new Map<string, WechatRefundAtFake>();

  const signed = (status: number, body: unknown): FakeAnswer => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(8).toString('hex');
    const signature = crypto.createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${text}\n`).sign(platform.privateKey, 'base64');
    return { status, body: text, headers: { 'wechatpay-serial': fake.platformSerial, 'wechatpay-timestamp': timestamp, 'wechatpay-nonce': nonce, 'wechatpay-signature': signature, 'request-id': crypto.randomUUID() } };
  };
  const refundBody = (r: WechatRefundAtFake) => ({
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: r.transactionId,
    status: r.status,
    success_time: r.status === 'SUCCESS' ? '2026-01-05T10:00:00+08:00' : undefined,
    amount: { refund: r.refund, total: r.total, currency: 'CNY' },
  });

  const handle = (req: FakeRequest): FakeAnswer => {
    const failure = fake.failNext.shift();
    if (failure === 'http500') return signed(500, { code: 'SYSTEM_ERROR', message: '系统错误' });
    const auth = parseWechatAuthorization(req.headers.authorization);
    const message = `${req.method}\n${req.url}\n${auth?.timestamp}\n${auth?.nonce_str}\n${req.body}\n`;
    const ok =
      auth !== null &&
      auth.mchid === mchid &&
      auth.serial_no === fake.merchantSerial &&
      Math.abs(Date.now() / 1000 - Number(auth.timestamp)) <= 300 &&
      crypto.createVerify('RSA-SHA256').update(message).verify(merchant.publicKey, auth.signature ?? '', 'base64');
    if (!ok) {
      fake.badSignatures++;
      return signed(401, { code: 'SIGN_ERROR', message: '签名错误' });
    }
    if (failure === 'system-error') return signed(500, { code: 'SYSTEM_ERROR', message: '系统繁忙' });
    const path = req.url.split('?')[0]!;
    if (req.method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const b = JSON.parse(req.body) as { transaction_id?: string; out_trade_no?: string; out_refund_no?: string; amount?: { refund?: number; total?: number; currency?: string } };
      if (!b.out_refund_no || !b.amount || !Number.isInteger(b.amount.refund) || !Number.isInteger(b.amount.total) || b.amount.currency !== 'CNY') return signed(400, { code: 'PARAM_ERROR', message: '参数错误' });
      if (b.transaction_id === 'tx-closed') return signed(403, { code: 'INVALID_REQUEST', message: '订单已全额退款' });
      const known = refunds.get(b.out_refund_no);
      if (known) return signed(200, refundBody(known));
      const r: WechatRefundAtFake = { outRefundNo: b.out_refund_no, refundId: `50000${refunds.size + 1}`, status: fake.processing ? 'PROCESSING' : 'SUCCESS', refund: b.amount.refund!, total: b.amount.total!, transactionId: b.transaction_id ?? `tx-of-${b.out_trade_no}` };
      refunds.set(r.outRefundNo, r);
      return signed(200, refundBody(r));
    }
    const query = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && query) {
      const known = refunds.get(decodeURIComponent(query[1]!));
      if (!known) return signed(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
      if (known.status === 'PROCESSING' && !fake.processing) known.status = 'SUCCESS';
      return signed(200, refundBody(known));
    }
    const send = /^\/v3\/marketing\/favor\/users\/([^/]+)\/coupons$/.exec(path);
    if (req.method === 'POST' && send) {
      const b = JSON.parse(req.body) as { stock_id?: string; out_request_no?: string; appid?: string; stock_creator_mchid?: string };
      if (!b.stock_id || !b.out_request_no || !b.appid || b.stock_creator_mchid !== mchid) return signed(400, { code: 'PARAM_ERROR', message: '参数错误' });
      if (b.stock_id === 'stock-used-up') return signed(403, { code: 'RULE_LIMIT', message: '用户领取已达上限' });
      const known = fake.coupons.get(b.out_request_no);
      if (known) return signed(200, { coupon_id: known.couponId });
      const couponId = `9${String(fake.coupons.size + 1).padStart(9, '0')}`;
      fake.coupons.set(b.out_request_no, { couponId, openid: decodeURIComponent(send[1]!), appid: b.appid, stockId: b.stock_id, status: 'SENDED' });
      return signed(200, { coupon_id: couponId });
    }
    const one = /^\/v3\/marketing\/favor\/users\/([^/]+)\/coupons\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const c = [...fake.coupons.values()].find((x) => x.couponId === decodeURIComponent(one[2]!) && x.openid === decodeURIComponent(one[1]!));
      if (!c || new URL(req.url, 'http://x').searchParams.get('appid') !== c.appid) return signed(404, { code: 'RESOURCE_NOT_EXISTS', message: '券不存在' });
      return signed(200, { coupon_id: c.couponId, stock_id: c.stockId, status: c.status, ...(c.status === 'USED' ? { consume_information: { consume_time: '2026-01-06T12:00:00+08:00' } } : {}) });
    }
    return signed(404, { code: 'NOT_FOUND', message: 'no such API' });
  };

  const server = await startFakeServer(handle);
  const fake: WechatPayFake = { ...server, mchid, merchantSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', platformSerial: '7132D72A03E93CDDF8C03BBD1F37EEDF0F0B06F8', merchant, platform, refunds, badSignatures: 0, processing: false, failNext: [], coupons: new Map() };
  return fake;
}
