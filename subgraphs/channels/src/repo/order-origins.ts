import { SqlParams, type Queryable, type Scope } from '@retail/platform';
import type { ConnectionRecord, OrderOriginRecord } from '../model';
import { CONNECTION_COLUMNS, connectionFence } from './connections';

// Order.channelOrigin (docs/events.md): where an order came from is its latest ACCEPTED inbound event — a pulled
// Tmall/JD record or a payment/refund notification — and that event's connection. Fenced like the connection: callers
// who do not see connections (anyone but the platform and the brand's admins) see no origin.

/** The origins of the orders that have one, inside the scope: one statement for any number of orders. */
export async function originsOfOrders(q: Queryable, scope: Scope, orderIds: readonly string[]): Promise<OrderOriginRecord[]> {
  const p = new SqlParams();
  const fence = connectionFence(scope, p);
  if (fence === 'FALSE') return [];
  const rows = await q.query<ConnectionRecord & { orderId: string; rawStatus: string; lastEventAt: Date }>(
    `SELECT DISTINCT ON (e.order_id) e.order_id AS "orderId", e.event_type AS "rawStatus", e.received_at AS "lastEventAt", ${CONNECTION_COLUMNS}
       FROM channels.inbound_event e JOIN channels.connection c ON c.id = e.connection_id
      WHERE e.order_id = ANY(${p.add(orderIds)}::text[]) AND e.status = 'ACCEPTED' AND ${fence}
      ORDER BY e.order_id, e.received_at DESC, e.id DESC`,
    p.values,
  );
  return rows.map(({ orderId, rawStatus, lastEventAt, ...connection }) => ({ orderId, rawStatus, lastEventAt, connection }));
}
