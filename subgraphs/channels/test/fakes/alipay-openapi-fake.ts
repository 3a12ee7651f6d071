import crypto from 'node:crypto';
import { rsaKeyPair, startFakeServer, type FakeRequest, type FakeServer } from './fake-http';

// A fake Alipay open-platform gateway for outbound calls: it checks each request the way Alipay does (app_id known,
// sign_type RSA2, timestamp within 15 minutes of now in GMT+8, SHA256withRSA over the sorted non-empty parameters
// except sign, with the app's public key) and answers signed with "Alipay's" private key over the raw response node.
// Written apart from src/providers/alipay so it checks the production code instead of repeating it.

export interface AlipayRefundAtFake {
  outRequestNo: string;
  tradeNo: string;
  amount: string;
  at: string;
}

export interface AlipayFake extends FakeServer {
  appId: string;
  /** The app's key pair: the private key goes into the connection (appPrivateKey). */
  app: { privateKey: string; publicKey: string };
  /** "Alipay's" key pair: the public key goes into the connection (alipayPublicKey). */
  alipay: { privateKey: string; publicKey: string };
  refunds: Map<string, AlipayRefundAtFake>;
  /** Requests whose signature failed (answered 40002 unsigned). */
  badSignatures: number;
  /**
   * The next answers to give instead of the normal one: 'http500', 'system-error' (ACQ.SYSTEM_ERROR), 'unsigned' (a
   * success left unsigned), and the gateway's own unsigned refusals 'invalid-timestamp' (40002 isv.invalid-timestamp)
   * and 'no-permission' (40006 isv.insufficient-isv-permissions).
   */
  failNext: Array<'http500' | 'system-error' | 'unsigned' | 'invalid-timestamp' | 'no-permission'>;
  /** Refunds answered fund_change N on their first request (settled by the query). */
  slowRefunds: Set<string>;
  /** Delay before answering a refund (to overlap parallel runs). */
  delayMs: number;
  /** Vouchers sent (alipay.marketing.voucher.send), by template_id and out_biz_no. */
  vouchers: Map<string, { voucherId: string; templateId: string; userId: string; status: 'ENABLED' | 'USED' | 'EXPIRED' }>;
}

/** The content Alipay verifies a request over (an implementation independent of the production one). */
export function alipayCheckContent(form: URLSearchParams): string {
  const pairs: [string, string][] = [];
  form.forEach((v, k) => {
    if (k !== 'sign' && v.length > 0) pairs.push([k, v]);
  });
  pairs.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return pairs.map(([k, v]) => k + '=' + v).join('&');
}

export async function startAlipayFake(appId = '2021000000000001'): Promise<AlipayFake> {
  const app = rsaKeyPair();
  const alipay = rsaKeyPair();
  const refunds = new Map<string, AlipayRefundAtFake>();
  const failNext: AlipayFake['failNext'] = [];
  const slowRefunds = new Set<string>();

  const answer = (method: string, node: Record<string, unknown>, signed = true) => {
    const name = method.replace(/\./g, '_') + '_response';
    const raw = JSON.stringify(node);
    const sign = crypto.createSign('RSA-SHA256').update(raw, 'utf8').sign(alipay.privateKey, 'base64');
    // The node's raw text as Alipay sends it, the sign beside it.
    return { status: 200, body: signed ? `{"${name}":${raw},"sign":"${sign}"}` : `{"${name}":${raw}}` };
  };

  const handle = async (req: FakeRequest) => {
    const form = new URLSearchParams(req.body);
    const method = form.get('method') ?? '';
    const failure = failNext.shift();
    if (failure === 'http500') return { status: 500, body: 'busy' };
    if (failure === 'invalid-timestamp') return answer(method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-timestamp', sub_msg: '非法的时间戳参数' }, false);
    if (failure === 'no-permission') return answer(method, { code: '40006', msg: 'Insufficient Permissions', sub_code: 'isv.insufficient-isv-permissions', sub_msg: 'ISV权限不足' }, false);
    const ts = form.get('timestamp') ?? '';
    const tsMs = Date.parse(ts.replace(' ', 'T') + '+08:00');
    const signOk =
      form.get('sign_type') === 'RSA2' &&
      crypto.createVerify('RSA-SHA256').update(alipayCheckContent(form), 'utf8').verify(app.publicKey, form.get('sign') ?? '', 'base64');
    if (form.get('app_id') !== appId || !signOk || !(Math.abs(Date.now() - tsMs) < 15 * 60_000) || form.get('charset') !== 'utf-8' || form.get('version') !== '1.0') {
      fake.badSignatures++;
      return answer(method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: '验签出错' }, false);
    }
    if (failure === 'system-error') return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.SYSTEM_ERROR', sub_msg: '系统错误' });
    const biz = JSON.parse(form.get('biz_content') ?? '{}') as Record<string, unknown>;
    if (method === 'alipay.trade.refund') {
      if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
      const outRequestNo = String(biz.out_request_no ?? '');
      const tradeNo = String(biz.trade_no ?? `trade-of-${String(biz.out_trade_no)}`);
      if (!outRequestNo || !/^\d+\.\d{2}$/.test(String(biz.refund_amount))) return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.INVALID_PARAMETER', sub_msg: '参数无效' });
      if (tradeNo === 'trade-closed') return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR', sub_msg: '交易状态不合法' });
      const known = refunds.get(outRequestNo);
      if (!known) refunds.set(outRequestNo, { outRequestNo, tradeNo, amount: String(biz.refund_amount), at: '2026-01-05 10:00:00' });
      const fundChange = !known && !slowRefunds.has(outRequestNo) ? 'Y' : 'N';
      return answer(method, { code: '10000', msg: 'Success', trade_no: tradeNo, out_trade_no: biz.out_trade_no ?? 'o', refund_fee: biz.refund_amount, fund_change: fundChange, gmt_refund_pay: '2026-01-05 10:00:00' });
    }
    if (method === 'alipay.trade.fastpay.refund.query') {
      const known = refunds.get(String(biz.out_request_no ?? ''));
      if (known && slowRefunds.has(known.outRequestNo)) {
        slowRefunds.delete(known.outRequestNo);
        return answer(method, { code: '10000', msg: 'Success', out_request_no: known.outRequestNo });
      }
      return answer(method, known ? { code: '10000', msg: 'Success', out_request_no: known.outRequestNo, refund_amount: known.amount, refund_status: 'REFUND_SUCCESS', gmt_refund_pay: known.at } : { code: '10000', msg: 'Success' });
    }
    if (method === 'alipay.marketing.voucher.send') {
      const templateId = String(biz.template_id ?? '');
      if (!templateId || !biz.user_id || !biz.out_biz_no) return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'INVALID_PARAMETER', sub_msg: '参数有误' });
      if (templateId === 'tpl-exhausted') return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'TEMPLATE_BUDGET_NOT_ENOUGH', sub_msg: '模板预算不足' });
      const key = `${templateId}|${String(biz.out_biz_no)}`;
      const known = fake.vouchers.get(key) ?? { voucherId: `2026${String(fake.vouchers.size + 1).padStart(8, '0')}`, templateId, userId: String(biz.user_id), status: 'ENABLED' as const };
      fake.vouchers.set(key, known);
      return answer(method, { code: '10000', msg: 'Success', voucher_id: known.voucherId, user_id: known.userId });
    }
    if (method === 'alipay.marketing.voucher.query') {
      const v = [...fake.vouchers.values()].find((x) => x.voucherId === biz.voucher_id);
      if (!v) return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'VOUCHER_NOT_EXIST', sub_msg: '券不存在' });
      return answer(method, { code: '10000', msg: 'Success', voucher_id: v.voucherId, template_id: v.templateId, status: v.status, user_id: v.userId });
    }
    return answer(method, { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method' });
  };

  const server = await startFakeServer((req) => {
    if (failNext[0] === 'unsigned') {
      failNext.shift();
      const method = new URLSearchParams(req.body).get('method') ?? '';
      return answer(method, { code: '10000', msg: 'Success', fund_change: 'Y' }, false);
    }
    return handle(req);
  });
  const fake: AlipayFake = { ...server, url: `${server.url}/gateway.do`, appId, app, alipay, refunds, failNext, slowRefunds, delayMs: 0, badSignatures: 0, vouchers: new Map() };
  return fake;
}
