import { type RefundOutcome, type RefundToSend } from '../outbound-refund';
import { ProviderCallError } from '../provider-error';
import { callWechatPay, type WechatPayAccount, type WechatPayAnswer } from './api-v3';

const REFUNDS_PATH = '/v3/refund/domestic/refunds';
/** Error codes that trying again later can change. */
const RETRYABLE_CODES = new Set(['SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'NOT_ENOUGH', 'SIGN_ERROR', 'USER_ACCOUNT_ABNORMAL_RETRY']);

/**
 * Sends one refund (申请退款, POST /v3/refund/domestic/refunds) with out_refund_no = our refund id: sent again, WeChat
 * Pay answers the same refund, never a second one. A refund already sent and PROCESSING is asked after
 * (GET …/refunds/{out_refund_no}) instead; one WeChat Pay does not know (RESOURCE_NOT_EXISTS) is sent again.
 * SUCCESS is SUCCEEDED (refund_id, success_time); PROCESSING waits (the notify or the next query settles it);
 * CLOSED and ABNORMAL are refused.
 */
export async function sendWechatPayRefund(account: WechatPayAccount, refund: RefundToSend, opts: { alreadySent: boolean; now?: () => Date }): Promise<RefundOutcome> {
  const now = opts.now ?? (() => new Date());
  if (opts.alreadySent) {
    const queried = await callWechatPay(account, 'GET', `${REFUNDS_PATH}/${encodeURIComponent(refund.refundId)}`);
    if (!(queried.status === 404 && queried.body.code === 'RESOURCE_NOT_EXISTS')) return outcome(queried, now);
  }
  const trade = refund.providerTransactionId ? { transaction_id: refund.providerTransactionId } : { out_trade_no: refund.orderId };
  const answer = await callWechatPay(account, 'POST', REFUNDS_PATH, {
    ...trade,
    out_refund_no: refund.refundId,
    ...(refund.reason ? { reason: refund.reason.slice(0, 80) } : {}),
    amount: { refund: refund.amountFen, total: refund.paidFen, currency: refund.currency },
  });
  return outcome(answer, now);
}

function outcome(answer: WechatPayAnswer, now: () => Date): RefundOutcome {
  const { status, body } = answer;
  if (status < 200 || status >= 300) {
    const code = typeof body.code === 'string' ? body.code : `HTTP_${status}`;
    const text = `WeChat Pay answered ${status} ${code}: ${typeof body.message === 'string' ? body.message : ''}`;
    if (RETRYABLE_CODES.has(code) || status === 429) throw new ProviderCallError('RETRYABLE', code, text);
    if (status === 401) throw new ProviderCallError('CREDENTIALS', code, text);
    return { kind: 'REFUSED', reason: text };
  }
  switch (body.status) {
    case 'SUCCESS': {
      const at = typeof body.success_time === 'string' && !Number.isNaN(Date.parse(body.success_time)) ? new Date(body.success_time).toISOString() : now().toISOString();
      if (typeof body.refund_id !== 'string' || !body.refund_id) throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', 'WeChat Pay answered SUCCESS without refund_id');
      return { kind: 'SUCCEEDED', providerRefundNo: body.refund_id, refundedAt: at };
    }
    case 'PROCESSING':
      return { kind: 'PROCESSING', note: 'WeChat Pay is processing the refund' };
    case 'CLOSED':
    case 'ABNORMAL':
      return { kind: 'REFUSED', reason: `WeChat Pay refund status ${body.status}` };
    default:
      throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `WeChat Pay answered an unknown refund status ${String(body.status)}`);
  }
}
