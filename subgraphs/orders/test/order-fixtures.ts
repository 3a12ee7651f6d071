import type { Database } from '@retail/platform';
import { bookSaleSplit } from '../src/repo/splits';

// Orders written straight into the test database, in the state a test needs (paid, collected, off-hours…), so the
// refund, KPI and settlement tests do not depend on the whole ordering flow. A paid one books its split the way the
// paid path does (bookSaleSplit in the same transaction).

export interface FixtureLine {
  skuId?: string | null;
  quantity: number;
  unitPriceFen: number;
}

export interface FixtureOrder {
  id: string;
  brandId?: string;
  channel?: 'TMALL' | 'JD' | 'ALIPAY_MINIPROGRAM' | 'WECHAT_MINIPROGRAM' | 'POS' | 'WECOM';
  storeId?: string | null;
  franchiseeId?: string | null;
  memberId?: string | null;
  guideId?: string | null;
  status?: string;
  pickup?: boolean;
  reservationId?: string | null;
  lines: FixtureLine[];
  /** Default: paid in full (unless status is PENDING_PAYMENT). */
  provider?: 'CASH' | 'WECHAT_PAY' | 'ALIPAY' | 'POINTS' | 'TMALL' | 'JD';
  placedAt?: string;
  paidAt?: string | null;
  pickedUpAt?: string | null;
  offHours?: boolean;
}

export const lineId = (orderId: string, i: number) => `${orderId}-l${i + 1}`;

export async function insertOrders(db: Database, orders: readonly FixtureOrder[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const o of orders) {
      const total = o.lines.reduce((s, l) => s + l.quantity * l.unitPriceFen, 0);
      const status = o.status ?? 'PAID';
      const placedAt = o.placedAt ?? new Date().toISOString();
      const paidAt = status === 'PENDING_PAYMENT' ? null : (o.paidAt ?? placedAt);
      const pickup = o.pickup ?? false;
      const storeId = o.storeId === undefined ? 'store-lng-03' : o.storeId;
      await tx.query(
        `INSERT INTO orders."order" (id, brand_id, channel, member_id, store_id, guide_id, franchisee_id, status, fulfillment_type, pickup_store_id, pickup_code,
                                     picked_up_at, total_fen, paid_fen, currency, placed_at, paid_at, completed_at, off_hours, reservation_id, reservation_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz, $13, $14, 'CNY', $15::timestamptz, $16::timestamptz, $17::timestamptz, $18, $19, $20)`,
        [
          o.id, o.brandId ?? 'brand-lng', o.channel ?? 'WECHAT_MINIPROGRAM', o.memberId ?? null, storeId, o.guideId ?? null,
          o.franchiseeId === undefined ? 'fr-lng-a' : o.franchiseeId, status, pickup ? 'STORE_PICKUP' : 'DELIVERY', pickup ? storeId : null, pickup ? '123456' : null,
          o.pickedUpAt ?? null, total, paidAt ? total : 0, placedAt, paidAt, status === 'COMPLETED' ? (o.pickedUpAt ?? paidAt) : null, o.offHours ?? false,
          o.reservationId ?? null, o.reservationId ? 'HELD' : null,
        ],
      );
      for (const [i, l] of o.lines.entries()) {
        await tx.query(
          `INSERT INTO orders.order_line (id, order_id, position, sku_id, title, quantity, unit_price_fen, line_total_fen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [lineId(o.id, i), o.id, i + 1, l.skuId === undefined ? `sku-test-${i + 1}` : l.skuId, `item ${i + 1}`, l.quantity, l.unitPriceFen, l.quantity * l.unitPriceFen],
        );
      }
      if (paidAt) {
        const provider = o.provider ?? 'CASH';
        await tx.query(
          `INSERT INTO orders.payment (id, order_id, provider, provider_transaction_id, amount_fen, currency, paid_at) VALUES ($1, $2, $3, $4, $5, 'CNY', $6::timestamptz)`,
          [`pay-${o.id}`, o.id, provider, provider === 'CASH' ? null : `tx-${o.id}`, total, paidAt],
        );
        await bookSaleSplit(tx, o.id);
      }
    }
  });
}

/** The payloads of the events the orders outbox holds for a topic, oldest first. */
export async function outboxPayloads<P = Record<string, unknown>>(db: Database, topic: string, key?: string): Promise<P[]> {
  const rows = await db.query<{ payload: P }>(`SELECT payload FROM orders.outbox WHERE topic = $1 AND ($2::text IS NULL OR key = $2) ORDER BY seq`, [topic, key ?? null]);
  return rows.map((r) => r.payload);
}
