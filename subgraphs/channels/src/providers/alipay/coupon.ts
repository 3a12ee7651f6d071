import { ProviderCallError } from '../provider-error';
import { callAlipay, type AlipayAccount, type AlipayResponse } from './openapi';

// Alipay coupons: alipay.marketing.voucher.send (发券: template_id, user_id, out_biz_no; the same template_id and
// out_biz_no are the same issue, so a retry answers the same voucher_id) and alipay.marketing.voucher.query
// (voucher_id → status).

const RETRYABLE_SUB_CODES = new Set(['SYSTEM_ERROR', 'aop.SYSTEM_ERROR', 'isp.unknow-error']);

function refusal(method: string, answer: AlipayResponse): ProviderCallError {
  const code = `${String(answer.code)} ${String(answer.sub_code ?? '')}`.trim();
  const text = `Alipay ${method} answered ${code}: ${String(answer.sub_msg ?? answer.msg ?? '')}`;
  if (answer.code === '20000' || RETRYABLE_SUB_CODES.has(String(answer.sub_code))) return new ProviderCallError('RETRYABLE', code, text);
  if (answer.code === '40001' || answer.code === '40002' || answer.code === '40006') return new ProviderCallError('CREDENTIALS', code, text);
  return new ProviderCallError('REJECTED', code, text);
}

/** Sends a coupon of the template to the Alipay user; returns Alipay's voucher_id. */
export async function sendAlipayVoucher(account: AlipayAccount, req: { userId: string; templateId: string; outBizNo: string }): Promise<{ voucherId: string }> {
  const answer = await callAlipay(account, 'alipay.marketing.voucher.send', { template_id: req.templateId, user_id: req.userId, out_biz_no: req.outBizNo });
  if (answer.code !== '10000') throw refusal('alipay.marketing.voucher.send', answer);
  if (typeof answer.voucher_id !== 'string' || !answer.voucher_id) throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', 'Alipay answered a voucher send without voucher_id');
  return { voucherId: answer.voucher_id };
}

/** The voucher's state at Alipay: USED is REDEEMED, EXPIRED is EXPIRED, anything else still ISSUED. */
export async function alipayVoucherState(account: AlipayAccount, voucherId: string): Promise<{ status: 'ISSUED' | 'REDEEMED' | 'EXPIRED'; redeemedAt: string | null }> {
  const answer = await callAlipay(account, 'alipay.marketing.voucher.query', { voucher_id: voucherId });
  if (answer.code !== '10000') throw refusal('alipay.marketing.voucher.query', answer);
  if (answer.status === 'USED') return { status: 'REDEEMED', redeemedAt: null };
  if (answer.status === 'EXPIRED') return { status: 'EXPIRED', redeemedAt: null };
  return { status: 'ISSUED', redeemedAt: null };
}
