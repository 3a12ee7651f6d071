import { fenToYuan, type RefundOutcome, type RefundToSend } from '../outbound-refund';
import { ProviderCallError } from '../provider-error';
import { alipayCode, callAlipay, fromAlipayTime, gatewayRefusal, type AlipayAccount, type AlipayResponse } from './openapi';

/** Alipay answers that trying again later can change: its own system errors and a merchant balance too low for now. */
const RETRYABLE_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR', 'ACQ.SELLER_BALANCE_NOT_ENOUGH', 'isp.unknow-error', 'ACQ.REFUND_CHARGE_ERROR']);

/**
 * Sends one refund with alipay.trade.refund. out_request_no is our refund id, so sending it again is the same refund
 * at Alipay (never a second one). `fund_change: Y` means this call moved the money: SUCCEEDED. `N` (for example a
 * repeat of a refund that already went through) is settled by alipay.trade.fastpay.refund.query: REFUND_SUCCESS is
 * SUCCEEDED, anything else is still PROCESSING. The provider's refund number is the out_request_no (Alipay has no
 * other id per refund of a trade).
 */
export async function sendAlipayRefund(account: AlipayAccount, refund: RefundToSend, now: () => Date = () => new Date()): Promise<RefundOutcome> {
  const trade = refund.providerTransactionId ? { trade_no: refund.providerTransactionId } : { out_trade_no: refund.orderId };
  let answer: AlipayResponse;
  try {
    answer = await callAlipay(account, 'alipay.trade.refund', {
      ...trade,
      refund_amount: fenToYuan(refund.amountFen),
      out_request_no: refund.refundId,
      ...(refund.reason ? { refund_reason: refund.reason.slice(0, 256) } : {}),
    });
  } catch (e) {
    // The gateway refused the request itself (answered unsigned): no refund was made, and the same request would be
    // refused again: REFUSED for good, so orders learns of it (channels.refund.failed) instead of waiting forever.
    if (e instanceof ProviderCallError && (e.kind === 'CREDENTIALS' || e.kind === 'REJECTED')) return { kind: 'REFUSED', reason: e.message };
    throw e;
  }
  const refused = failure('alipay.trade.refund', answer);
  if (refused) return refused;
  if (answer.fund_change === 'Y') {
    return { kind: 'SUCCEEDED', providerRefundNo: refund.refundId, refundedAt: fromAlipayTime(answer.gmt_refund_pay) ?? now().toISOString() };
  }
  const query = await callAlipay(account, 'alipay.trade.fastpay.refund.query', { ...trade, out_request_no: refund.refundId, query_options: ['gmt_refund_pay'] });
  const queryRefused = failure('alipay.trade.fastpay.refund.query', query);
  if (queryRefused) return { kind: 'PROCESSING', note: queryRefused.reason };
  if (query.refund_status === 'REFUND_SUCCESS') {
    return { kind: 'SUCCEEDED', providerRefundNo: refund.refundId, refundedAt: fromAlipayTime(query.gmt_refund_pay) ?? now().toISOString() };
  }
  return { kind: 'PROCESSING', note: `Alipay has not confirmed the refund yet (refund_status ${String(query.refund_status ?? 'none')})` };
}

/** Null for code 10000; a retryable ProviderCallError thrown for a passing failure; else the refusal. */
function failure(method: string, answer: AlipayResponse): { kind: 'REFUSED'; reason: string } | null {
  if (answer.code === '10000') return null;
  const code = alipayCode(answer);
  const text = `Alipay ${method} answered ${code}: ${String(answer.sub_msg ?? answer.msg ?? '')}`;
  // 20000: service unavailable, and Alipay's own system errors: passing. A gateway refusal (40001, 40002, 40006,
  // 20001: openapi.ts gatewayRefusal) or a business refusal (40004) of this request is for good, but a clock off
  // (40002 isv.invalid-timestamp) is ours and passes.
  if (answer.code === '20000' || RETRYABLE_SUB_CODES.has(String(answer.sub_code)) || (answer.code === '40002' && gatewayRefusal(answer) === null)) {
    throw new ProviderCallError('RETRYABLE', code, text);
  }
  return { kind: 'REFUSED', reason: text };
}
