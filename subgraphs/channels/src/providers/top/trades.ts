import { formatGmt8 } from '../../domain/gmt8-time';
import { list, member, text, type LosslessJson } from '../../domain/lossless-json';
import { readOrderRecord, readPulledPage, type PulledOrder, type PulledOrderStatus, type PulledPage } from '../pulled-order';
import { ProviderCallError } from '../provider-error';
import { callTop, type TopCredentials } from './client';

export const TOP_TRADES_METHOD = 'taobao.trades.sold.increment.get';
export const TOP_TRADE_FIELDS =
  'tid,status,created,pay_time,modified,payment,total_fee,buyer_open_uid,orders.oid,orders.num_iid,orders.sku_id,orders.outer_sku_id,orders.title,orders.price,orders.num';

/** TOP trade statuses → the platform's; null: not an order the platform records (unpaid). */
const PAID = new Set(['WAIT_SELLER_SEND_GOODS', 'SELLER_CONSIGNED_PART', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_BUYER_SIGNED', 'PAID_FORBID_CONSIGN']);
const UNPAID = new Set(['WAIT_BUYER_PAY', 'TRADE_NO_CREATE_PAY', 'PAY_PENDING', 'WAIT_PRE_AUTH_CONFIRM']);

/**
 * TRADE_CLOSED after a payment is a refund in full (退款成功，交易关闭); before one, and TRADE_CLOSED_BY_TAOBAO, a
 * cancellation. Undefined: a status this code does not know (the record is unreadable).
 */
export function topStatus(status: string, paid: boolean): PulledOrderStatus | null | undefined {
  if (PAID.has(status)) return 'PAID';
  if (UNPAID.has(status)) return null;
  if (status === 'TRADE_FINISHED') return 'COMPLETED';
  if (status === 'TRADE_CLOSED') return paid ? 'REFUNDED' : 'CANCELLED';
  if (status === 'TRADE_CLOSED_BY_TAOBAO') return 'CANCELLED';
  return undefined;
}

/** One trade of the answer as a PulledOrder, or why it cannot be read. */
export function readTopTrade(trade: LosslessJson): PulledOrder | string {
  return readOrderRecord(
    {
      id: text(member(trade, 'tid')),
      status: text(member(trade, 'status')),
      created: text(member(trade, 'created')),
      payTime: text(member(trade, 'pay_time')),
      modified: text(member(trade, 'modified')),
      payment: member(trade, 'payment'),
      buyer: text(member(trade, 'buyer_open_uid')),
      lines: list(member(member(trade, 'orders'), 'order')).map((o) => ({
        sku: text(member(o, 'outer_sku_id')) || text(member(o, 'sku_id')) || text(member(o, 'num_iid')),
        title: text(member(o, 'title')),
        quantity: Number(text(member(o, 'num'))),
        price: member(o, 'price'),
        ref: text(member(o, 'oid')) ?? '?',
      })),
    },
    topStatus,
  );
}

/** One page of the seller's trades modified in [start, end] (TOP allows at most one day per call). */
export async function fetchTopTradePage(creds: TopCredentials, window: { start: Date; end: Date }, pageNo: number, pageSize: number): Promise<PulledPage> {
  const json = await callTop(creds, TOP_TRADES_METHOD, {
    fields: TOP_TRADE_FIELDS,
    start_modified: formatGmt8(window.start),
    end_modified: formatGmt8(window.end),
    page_no: String(pageNo),
    page_size: String(pageSize),
    // total_results is only answered without use_has_next; the pull pages from the last page back (see pull).
    use_has_next: 'false',
  });
  const response = member(json, 'trades_sold_increment_get_response');
  if (response === undefined) throw new ProviderCallError('RETRYABLE', 'BAD_RESPONSE', `TOP ${TOP_TRADES_METHOD} answered without trades_sold_increment_get_response`);
  return readPulledPage(list(member(member(response, 'trades'), 'trade')), member(response, 'total_results'), readTopTrade, { id: 'tid', status: 'status', modified: 'modified' });
}
