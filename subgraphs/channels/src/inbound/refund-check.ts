import type { Queryable } from '@retail/platform';
import type { ConnectionRecord, RefundNotice } from '../model';
import { outboundRefundById } from '../repo/outbound-refunds';
import type { OrderCheck } from './order-check';

/**
 * A provider's refund notification checked against the refund channels sent (channels.outbound_refund, by its
 * out_refund_no): same provider, brand, order and amount, else REJECTED (nothing settles). A refund channels never
 * sent (made at the provider directly) is stored and changes nothing here. A read only, before the transaction.
 */
export async function checkRefundNotice(q: Queryable, connection: ConnectionRecord, notice: RefundNotice): Promise<OrderCheck> {
  const sent = await outboundRefundById(q, notice.refundId);
  if (!sent) return { kind: 'OK' };
  if (sent.provider !== notice.provider || sent.brandId !== connection.brandId) return { kind: 'REJECT', reason: `refund ${notice.refundId} was not sent through this connection's brand and provider` };
  if (sent.connectionId !== null && sent.connectionId !== connection.id) return { kind: 'REJECT', reason: `refund ${notice.refundId} was sent through another connection` };
  if (sent.orderId !== notice.orderId) return { kind: 'REJECT', reason: `refund ${notice.refundId} is of order ${sent.orderId}, not ${notice.orderId}` };
  if (sent.amountFen !== notice.amountFen) return { kind: 'REJECT', reason: `amount mismatch: refunded ${notice.amountFen} fen, the refund asked ${sent.amountFen} fen` };
  return { kind: 'OK' };
}
