import { ProviderCallError } from '../provider-error';
import { callWechatPay, type WechatPayAccount, type WechatPayAnswer } from './api-v3';

// WeChat Pay coupons (代金券, API v3 marketing/favor): 发放代金券 POST /v3/marketing/favor/users/{openid}/coupons
// (stock_id, out_request_no, appid, stock_creator_mchid; the same out_request_no again answers the same coupon_id) and
// 查询代金券详情 GET /v3/marketing/favor/users/{openid}/coupons/{coupon_id}?appid= (status SENDED, USED, EXPIRED).

const RETRYABLE_CODES = new Set(['SYSTEM_ERROR', 'FREQUENCY_LIMITED']);

export interface WechatCouponRequest {
  openid: string;
  appid: string;
  stockId: string;
  outRequestNo: string;
}

function failure(answer: WechatPayAnswer, what: string): ProviderCallError {
  const code = typeof answer.body.code === 'string' ? answer.body.code : `HTTP_${answer.status}`;
  const message = `WeChat Pay ${what} answered ${answer.status} ${code}: ${typeof answer.body.message === 'string' ? answer.body.message : ''}`;
  const kind = RETRYABLE_CODES.has(code) || answer.status === 429 ? 'RETRYABLE' : answer.status === 401 ? 'CREDENTIALS' : 'REJECTED';
  return new ProviderCallError(kind, code, message);
}

/** Sends a coupon of the stock to the openid; returns WeChat Pay's coupon_id. */
export async function sendWechatCoupon(account: WechatPayAccount, req: WechatCouponRequest): Promise<{ couponId: string }> {
  const answer = await callWechatPay(account, 'POST', `/v3/marketing/favor/users/${encodeURIComponent(req.openid)}/coupons`, {
    stock_id: req.stockId,
    out_request_no: req.outRequestNo,
    appid: req.appid,
    stock_creator_mchid: account.mchid,
  });
  if (answer.status !== 200) throw failure(answer, 'coupon send');
  if (typeof answer.body.coupon_id !== 'string' || !answer.body.coupon_id) throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', 'WeChat Pay answered a coupon send without coupon_id');
  return { couponId: answer.body.coupon_id };
}

/** The coupon's state at WeChat Pay: ISSUED (SENDED), REDEEMED (USED, with the consume time) or EXPIRED. */
export async function wechatCouponState(account: WechatPayAccount, c: { openid: string; appid: string; couponId: string }): Promise<{ status: 'ISSUED' | 'REDEEMED' | 'EXPIRED'; redeemedAt: string | null }> {
  const answer = await callWechatPay(account, 'GET', `/v3/marketing/favor/users/${encodeURIComponent(c.openid)}/coupons/${encodeURIComponent(c.couponId)}?appid=${encodeURIComponent(c.appid)}`);
  if (answer.status !== 200) throw failure(answer, 'coupon query');
  const consumed = (answer.body.consume_information ?? {}) as { consume_time?: unknown };
  const at = typeof consumed.consume_time === 'string' && !Number.isNaN(Date.parse(consumed.consume_time)) ? new Date(consumed.consume_time).toISOString() : null;
  switch (answer.body.status) {
    case 'SENDED':
      return { status: 'ISSUED', redeemedAt: null };
    case 'USED':
      return { status: 'REDEEMED', redeemedAt: at };
    case 'EXPIRED':
      return { status: 'EXPIRED', redeemedAt: null };
    default:
      throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `WeChat Pay answered an unknown coupon status ${String(answer.body.status)}`);
  }
}
