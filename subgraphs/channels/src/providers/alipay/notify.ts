import { beijingTimeToIso, yuanToFen } from '../../domain/provider-amounts';
import type { ConnectionWithSecrets, InboundFacts } from '../../model';
import { alipayNotifyContent, verifyRsa2 } from './signature';

// Alipay's asynchronous notification (异步通知) of a trade: what it claims, and whether it is Alipay's and ours.

/** A notification's identity (for storing it, verified or not) and, when verified, its facts; else why not. */
export type NotifyVerdict = { eventType: string; externalId: string } & ({ ok: true; facts: InboundFacts } | { ok: false; reason: string });

/** Trade statuses that mean the buyer paid (TRADE_FINISHED: paid and no longer refundable). */
const PAID = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

/**
 * Verifies an Alipay notify: RSA2 with Alipay's public key of the connection (the current one, then those replaced
 * within their overlap), then app_id (and seller_id when the connection names its merchant) against the connection.
 * TRADE_SUCCESS and TRADE_FINISHED are payments of out_trade_no (our order id) with total_amount; any other status
 * is stored and has no effect.
 */
export function verifyAlipayNotify(params: Readonly<Record<string, string>>, secrets: ConnectionWithSecrets): NotifyVerdict {
  const eventType = params.trade_status || params.notify_type || 'unknown';
  const externalId = params.notify_id || '(no notify_id)';
  const id = { eventType, externalId };
  const reject = (reason: string): NotifyVerdict => ({ ...id, ok: false, reason });
  if (!params.notify_id) return reject('no notify_id');
  if (!params.sign) return reject('unsigned: no sign');
  if (params.sign_type !== 'RSA2') return reject(`sign_type ${params.sign_type ?? '(none)'} is not RSA2`);
  if (params.charset && params.charset.toLowerCase() !== 'utf-8') return reject(`charset ${params.charset} is not utf-8`);
  const content = alipayNotifyContent(params);
  const keys = [secrets.current, ...secrets.previous].map((s) => s.alipayPublicKey).filter((k): k is string => !!k);
  if (!keys.some((key) => verifyRsa2(content, params.sign!, key))) return reject("bad signature: not signed by the connection's Alipay public key");
  const { connection } = secrets;
  if (params.app_id !== connection.appId) return reject(`app_id ${params.app_id ?? '(none)'} is not the connection's app`);
  if (connection.merchantId && params.seller_id && params.seller_id !== connection.merchantId) return reject(`seller_id ${params.seller_id} is not the connection's merchant`);
  const orderId = params.out_trade_no || null;
  if (!PAID.has(params.trade_status ?? '')) return { ...id, ok: true, facts: { kind: 'NONE', orderId } };
  const amountFen = yuanToFen(params.total_amount ?? '');
  const paidAt = beijingTimeToIso(params.gmt_payment ?? '') ?? beijingTimeToIso(params.notify_time ?? '');
  if (!orderId || !params.trade_no || amountFen === null || paidAt === null) return reject('a paid trade needs out_trade_no, trade_no, total_amount and gmt_payment');
  return { ...id, ok: true, facts: { kind: 'PAYMENT', payment: { provider: 'ALIPAY', orderId, providerTradeNo: params.trade_no, amountFen, currency: 'CNY', paidAt } } };
}
