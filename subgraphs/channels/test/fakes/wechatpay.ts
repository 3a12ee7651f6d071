import crypto from 'node:crypto';

// A fake WeChat Pay (API v3) for tests: a platform key pair with its serial and an APIv3 key (generated here), and
// payment notifications it encrypts (AEAD_AES_256_GCM) and signs (SHA256-RSA over `timestamp\nnonce\nbody\n`) the
// way WeChat Pay does. Written apart from src/providers/wechatpay so a mistake there is not repeated here.

export interface WechatTransaction {
  mchid: string;
  appid: string;
  orderId: string;
  transactionId: string;
  totalFen: number;
  tradeState?: string;
}

export interface WechatRefundNotice {
  mchid: string;
  orderId: string;
  transactionId: string;
  /** Our refund id (out_refund_no). */
  outRefundNo: string;
  /** WeChat Pay's refund_id. */
  refundId: string;
  status: 'SUCCESS' | 'ABNORMAL' | 'CLOSED';
  totalFen: number;
  refundFen: number;
}

export interface SignedNotification {
  headers: Record<string, string>;
  body: string;
}

export class FakeWechatPay {
  readonly platform = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly platformPublicKeyPem = this.platform.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  readonly serial = crypto.randomBytes(20).toString('hex').toUpperCase();
  readonly apiV3Key = crypto.randomBytes(16).toString('hex');
  private seq = 0;

  /** The encrypted resource of a transaction (the APIv3 key, or another to forge). */
  resource(tx: WechatTransaction, apiV3Key = this.apiV3Key) {
    const plain = JSON.stringify({
      mchid: tx.mchid,
      appid: tx.appid,
      out_trade_no: tx.orderId,
      transaction_id: tx.transactionId,
      trade_type: 'JSAPI',
      trade_state: tx.tradeState ?? 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'CMC',
      attach: '',
      success_time: '2026-12-01T09:30:04+08:00',
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: tx.totalFen, payer_total: tx.totalFen, currency: 'CNY', payer_currency: 'CNY' },
    });
    const nonce = crypto.randomBytes(6).toString('hex');
    const associatedData = 'transaction';
    const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: ct.toString('base64'), associated_data: associatedData, nonce };
  }

  /** The encrypted resource of a refund notification (退款结果通知: no appid; associated_data "refund"). */
  refundResource(r: WechatRefundNotice, apiV3Key = this.apiV3Key) {
    const plain = JSON.stringify({
      mchid: r.mchid,
      transaction_id: r.transactionId,
      out_trade_no: r.orderId,
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      refund_status: r.status,
      ...(r.status === 'SUCCESS' ? { success_time: '2026-12-01T10:15:00+08:00' } : {}),
      user_received_account: '招商银行信用卡0403',
      amount: { total: r.totalFen, refund: r.refundFen, payer_total: r.totalFen, payer_refund: r.refundFen },
    });
    return this.encrypt(plain, 'refund', apiV3Key);
  }

  /** A refund notification's JSON body: event_type REFUND.<status>. */
  refundBody(r: WechatRefundNotice, opts: { id?: string } = {}): string {
    return this.body({ mchid: r.mchid, appid: '', orderId: r.orderId, transactionId: r.transactionId, totalFen: r.totalFen }, { id: opts.id, resource: this.refundResource(r), eventType: `REFUND.${r.status}` });
  }

  private encrypt(plain: string, associatedData: string, apiV3Key: string) {
    const nonce = crypto.randomBytes(6).toString('hex');
    const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { original_type: associatedData, algorithm: 'AEAD_AES_256_GCM', ciphertext: ct.toString('base64'), associated_data: associatedData, nonce };
  }

  /** A notification's JSON body (a fresh id each time unless given), with WeChat Pay's own spacing. */
  body(tx: WechatTransaction, opts: { id?: string; resource?: ReturnType<FakeWechatPay['resource']>; eventType?: string } = {}): string {
    this.seq += 1;
    const note = {
      id: opts.id ?? `EV-2018022511223320873${String(this.seq).padStart(4, '0')}`,
      create_time: '2026-12-01T09:30:05+08:00',
      resource_type: 'encrypt-resource',
      event_type: opts.eventType ?? 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: opts.resource ?? this.resource(tx),
    };
    // Not JSON.stringify's compact form: the signature is over these exact bytes, and the service must not re-serialize.
    return JSON.stringify(note, null, 1);
  }

  /** The body signed with headers (the platform key, or another to forge; a timestamp in seconds). */
  sign(body: string, opts: { timestamp?: number; privateKey?: crypto.KeyObject; serial?: string; signature?: string } = {}): SignedNotification {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(16).toString('hex');
    const signer = crypto.createSign('RSA-SHA256');
    signer.update(`${timestamp}\n${nonce}\n${body}\n`, 'utf8');
    const signature = opts.signature ?? signer.sign(opts.privateKey ?? this.platform.privateKey, 'base64');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'wechatpay-signature': signature,
        'wechatpay-serial': opts.serial ?? this.serial,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      },
    };
  }

  static async post(url: string, n: SignedNotification): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });
    return { status: res.status, text: await res.text() };
  }
}
