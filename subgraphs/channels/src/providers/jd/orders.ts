import { formatGmt8 } from '../../domain/gmt8-time';
import { list, member, text, type LosslessJson } from '../../domain/lossless-json';
import { readOrderRecord, readPulledPage, type PulledOrder, type PulledOrderStatus, type PulledPage } from '../pulled-order';
import { ProviderCallError } from '../provider-error';
import { callJd, type JdCredentials } from './client';

export const JD_ORDER_SEARCH_METHOD = 'jingdong.pop.order.search';
/** Every state of a paid order and the closing ones: the pull asks for all of them at once. */
export const JD_ORDER_STATES = 'WAIT_SELLER_STOCK_OUT,WAIT_GOODS_RECEIVE_CONFIRM,WAIT_SELLER_DELIVERY,POP_ORDER_PAUSE,LOCKED,FINISHED_L,TRADE_CANCELED';
const OPTIONAL_FIELDS = 'orderId,venderId,orderState,orderPayment,orderStartTime,paymentConfirmTime,modified,open_id_buyer,itemInfoList';

const PAID = new Set(['WAIT_SELLER_STOCK_OUT', 'WAIT_GOODS_RECEIVE_CONFIRM', 'WAIT_SELLER_DELIVERY', 'POP_ORDER_PAUSE', 'LOCKED']);

/** JD order states → the platform's: TRADE_CANCELED after a payment is a refund in full, before one a cancellation. */
export function jdStatus(state: string, paid: boolean): PulledOrderStatus | null | undefined {
  if (PAID.has(state)) return 'PAID';
  if (state === 'WAIT_BUYER_PAY') return null;
  if (state === 'FINISHED_L') return 'COMPLETED';
  if (state === 'TRADE_CANCELED') return paid ? 'REFUNDED' : 'CANCELLED';
  return undefined;
}

/** One order of the answer as a PulledOrder, or why it cannot be read. */
export function readJdOrder(order: LosslessJson): PulledOrder | string {
  return readOrderRecord(
    {
      id: text(member(order, 'orderId')),
      status: text(member(order, 'orderState')),
      created: text(member(order, 'orderStartTime')),
      payTime: text(member(order, 'paymentConfirmTime')),
      modified: text(member(order, 'modified')),
      payment: member(order, 'orderPayment'),
      buyer: text(member(order, 'open_id_buyer')),
      lines: list(member(order, 'itemInfoList')).map((item) => ({
        sku: text(member(item, 'outerSkuId')) || text(member(item, 'skuId')),
        title: text(member(item, 'skuName')),
        quantity: Number(text(member(item, 'itemTotal'))),
        price: member(item, 'jdPrice'),
        ref: text(member(item, 'skuId')) ?? '?',
      })),
    },
    jdStatus,
  );
}

/** One page of the shop's orders modified in [start, end] (dateType 0: by modification time). */
export async function fetchJdOrderPage(creds: JdCredentials, window: { start: Date; end: Date }, page: number, pageSize: number): Promise<PulledPage> {
  const json = await callJd(creds, JD_ORDER_SEARCH_METHOD, {
    start_date: formatGmt8(window.start),
    end_date: formatGmt8(window.end),
    order_state: JD_ORDER_STATES,
    optional_fields: OPTIONAL_FIELDS,
    page: String(page),
    page_size: String(pageSize),
    dateType: 0,
  });
  // JD spells the wrapper "responce".
  const result = member(member(json, 'jingdong_pop_order_search_responce'), 'searchorderinfo_result');
  if (result === undefined) throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `JD ${JD_ORDER_SEARCH_METHOD} answered without searchorderinfo_result`);
  const api = member(result, 'apiResult');
  if (member(api, 'success') === false) {
    const code = text(member(api, 'englishErrCode')) ?? text(member(api, 'numberCode')) ?? 'UNKNOWN';
    throw new ProviderCallError('REJECTED', code, `JD ${JD_ORDER_SEARCH_METHOD} refused: ${code} ${text(member(api, 'chineseErrCode')) ?? ''}`.trim());
  }
  return readPulledPage(list(member(result, 'orderInfoList')), member(result, 'orderTotal'), readJdOrder, { id: 'orderId', status: 'orderState', modified: 'modified' });
}
