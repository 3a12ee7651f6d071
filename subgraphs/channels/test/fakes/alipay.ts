import crypto from 'node:crypto';

// A fake Alipay for tests: its own RSA key pair (generated here), and asynchronous notifications (异步通知) it signs
// and posts the way Alipay does — form-encoded, RSA2 over every parameter but sign and sign_type, sorted by key,
// empty values kept. Written apart from src/providers/alipay so a mistake there is not repeated here.

export interface AlipayTrade {
  appId: string;
  orderId: string;
  tradeNo: string;
  /** Yuan, as Alipay writes it: "88.00". */
  totalAmount: string;
  tradeStatus?: string;
  sellerId?: string;
}

export class FakeAlipay {
  readonly keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly publicKeyPem = this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  private seq = 0;

  /** The parameters of a trade notification, unsigned (a fresh notify_id each time unless given). */
  notifyParams(trade: AlipayTrade, extra: Record<string, string> = {}): Record<string, string> {
    this.seq += 1;
    return {
      notify_time: '2026-12-01 09:30:05',
      notify_type: 'trade_status_sync',
      notify_id: `ac05099524730693a8b330c5ecf72da${String(this.seq).padStart(4, '0')}`,
      charset: 'utf-8',
      version: '1.0',
      sign_type: 'RSA2',
      app_id: trade.appId,
      trade_no: trade.tradeNo,
      out_trade_no: trade.orderId,
      buyer_logon_id: '159****5620',
      seller_id: trade.sellerId ?? '2088101106499364',
      trade_status: trade.tradeStatus ?? 'TRADE_SUCCESS',
      total_amount: trade.totalAmount,
      receipt_amount: trade.totalAmount,
      gmt_create: '2026-12-01 09:29:50',
      gmt_payment: '2026-12-01 09:30:04',
      subject: '门店自提 订单',
      body: '',
      fund_bill_list: '[{"amount":"' + trade.totalAmount + '","fundChannel":"ALIPAYACCOUNT"}]',
      ...extra,
    };
  }

  /** Signed: `sign` added (RSA2 with this fake's private key, or another key to forge). */
  sign(params: Record<string, string>, privateKey: crypto.KeyObject = this.keys.privateKey): Record<string, string> {
    const content = Object.keys(params)
      .filter((k) => k !== 'sign' && k !== 'sign_type')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    const signer = crypto.createSign('RSA-SHA256');
    signer.update(content, 'utf8');
    return { ...params, sign: signer.sign(privateKey, 'base64') };
  }

  /** The form body Alipay posts: every value percent-encoded once. */
  static formBody(params: Record<string, string>): string {
    return Object.entries(params)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
  }

  /** Posts a notification to `url`; Alipay's view of the answer. */
  static async post(url: string, body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
    return { status: res.status, text: await res.text() };
  }
}
