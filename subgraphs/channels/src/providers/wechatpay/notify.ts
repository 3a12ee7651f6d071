import type { ConnectionWithSecrets, InboundFacts } from '../../model';
import { decryptResource, verifyWechatpay, wechatpayMessage, type WechatpayResource } from './signature';

// WeChat Pay API v3's payment notification (支付通知): its signature headers over the raw body, its encrypted resource.

export type NotifyVerdict = { eventType: string; externalId: string } & ({ ok: true; facts: InboundFacts } | { ok: false; reason: string });

/** How far a notification's Wechatpay-Timestamp may be from our clock. */
export const MAX_SKEW_SECONDS = 300;

export interface WechatpayHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  serial?: string;
}

interface Notification {
  id?: unknown;
  event_type?: unknown;
  resource_type?: unknown;
  resource?: WechatpayResource;
}

interface Transaction {
  out_refund_no?: string;
  refund_id?: string;
  refund_status?: string;
  mchid?: string;
  appid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  success_time?: string;
  amount?: { total?: unknown; refund?: unknown; currency?: string };
}

const REFUND_EVENTS = new Set(['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED']);

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Verifies a WeChat Pay notification: a signature probe (WECHATPAY/SIGNTEST/) is refused, the timestamp must be within
 * 5 minutes, the platform key is the one Wechatpay-Serial names (of the current secrets, or of those replaced within
 * their overlap), the signature is over the raw body; the resource must decrypt (AEAD_AES_256_GCM, associated_data as
 * AAD, tag checked) with the APIv3 key; then mchid and appid must be the connection's (a refund notification has
 * no appid). A successful transaction (TRANSACTION.SUCCESS, trade_state SUCCESS) is a payment of out_trade_no (our
 * order id) of amount.total fen; REFUND.SUCCESS, .ABNORMAL and .CLOSED are the outcome of the refund out_refund_no.
 */
export function verifyWechatpayNotify(headers: WechatpayHeaders, body: Buffer, secrets: ConnectionWithSecrets, nowMs: number): NotifyVerdict {
  let note: Notification | null = null;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    note = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Notification) : null;
  } catch {
    note = null;
  }
  const id = { eventType: text(note?.event_type) ?? 'unknown', externalId: text(note?.id) ?? '(no id)' };
  const reject = (reason: string): NotifyVerdict => ({ ...id, ok: false, reason });
  if (!note) return reject('the body is not a JSON notification');
  if (!text(note.id)) return reject('no notification id');
  const { timestamp, nonce, signature, serial } = headers;
  if (!timestamp || !nonce || !signature || !serial) return reject('missing Wechatpay-Timestamp, -Nonce, -Signature or -Serial');
  if (signature.startsWith('WECHATPAY/SIGNTEST/')) return reject('signature probe (WECHATPAY/SIGNTEST/): not a real notification');
  if (!/^\d{1,12}$/.test(timestamp)) return reject('malformed Wechatpay-Timestamp');
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return reject(`stale timestamp: Wechatpay-Timestamp is more than ${MAX_SKEW_SECONDS / 60} minutes off`);
  const all = [secrets.current, ...secrets.previous];
  const keys = all.flatMap((s) => s.platformKeys ?? []).filter((k) => k.serial === serial);
  if (keys.length === 0) return reject(`wrong serial: no platform key ${serial}`);
  const message = wechatpayMessage(timestamp, nonce, body);
  if (!keys.some((k) => verifyWechatpay(message, signature, k.publicKey))) return reject(`bad signature: not signed by platform key ${serial}`);
  const resource = note.resource;
  if (!resource || typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string') return reject('no encrypted resource');
  if (resource.algorithm !== 'AEAD_AES_256_GCM') return reject(`resource algorithm ${String(resource.algorithm)} is not AEAD_AES_256_GCM`);
  const plain = all
    .map((s) => s.apiV3Key)
    .filter((k): k is string => !!k)
    .reduce<string | null>((found, key) => found ?? decryptResource(key, resource), null);
  if (plain === null) return reject('the resource does not decrypt with the APIv3 key (tag check failed)');
  let tx: Transaction;
  try {
    tx = JSON.parse(plain) as Transaction;
  } catch {
    return reject('the decrypted resource is not JSON');
  }
  const { connection } = secrets;
  if (tx.mchid !== connection.merchantId) return reject(`mchid ${tx.mchid ?? '(none)'} is not the connection's merchant`);
  const orderId = text(tx.out_trade_no);
  // A refund notification (退款结果通知) names no appid: the merchant is what it is checked against.
  if (REFUND_EVENTS.has(id.eventType)) return refundVerdict(id, tx, orderId);
  if (tx.appid !== connection.appId) return reject(`appid ${tx.appid ?? '(none)'} is not the connection's app`);
  if (id.eventType !== 'TRANSACTION.SUCCESS' || tx.trade_state !== 'SUCCESS') return { ...id, ok: true, facts: { kind: 'NONE', orderId } };
  const total = tx.amount?.total;
  const paidAt = text(tx.success_time);
  if (!orderId || !text(tx.transaction_id) || typeof total !== 'number' || !Number.isSafeInteger(total) || total <= 0 || !paidAt || Number.isNaN(Date.parse(paidAt))) {
    return reject('a successful transaction needs out_trade_no, transaction_id, amount.total and success_time');
  }
  return {
    ...id,
    ok: true,
    facts: { kind: 'PAYMENT', payment: { provider: 'WECHAT_PAY', orderId, providerTradeNo: tx.transaction_id!, amountFen: total, currency: tx.amount?.currency ?? 'CNY', paidAt } },
  };
}

/**
 * A refund notification's facts: REFUND.SUCCESS (refund_status SUCCESS, with success_time) settles the refund we sent
 * as out_refund_no; REFUND.ABNORMAL and REFUND.CLOSED refuse it for good. amount.refund is what was refunded.
 */
function refundVerdict(id: { eventType: string; externalId: string }, tx: Transaction, orderId: string | null): NotifyVerdict {
  const status = tx.refund_status;
  const refundId = text(tx.out_refund_no);
  const providerRefundNo = text(tx.refund_id);
  const amountFen = tx.amount?.refund;
  if (`REFUND.${String(status)}` !== id.eventType || (status !== 'SUCCESS' && status !== 'ABNORMAL' && status !== 'CLOSED')) {
    return { ...id, ok: false, reason: `refund_status ${String(status)} does not match event_type ${id.eventType}` };
  }
  if (!orderId || !refundId || !providerRefundNo || typeof amountFen !== 'number' || !Number.isSafeInteger(amountFen) || amountFen <= 0) {
    return { ...id, ok: false, reason: 'a refund notification needs out_trade_no, out_refund_no, refund_id and amount.refund' };
  }
  const successTime = text(tx.success_time);
  if (status === 'SUCCESS' && (!successTime || Number.isNaN(Date.parse(successTime)))) return { ...id, ok: false, reason: 'a successful refund needs success_time' };
  return {
    ...id,
    ok: true,
    facts: { kind: 'REFUND', refund: { provider: 'WECHAT_PAY', refundId, orderId, providerRefundNo, status, amountFen, refundedAt: status === 'SUCCESS' ? new Date(successTime!).toISOString() : null } },
  };
}
