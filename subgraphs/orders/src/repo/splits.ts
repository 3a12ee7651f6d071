import { newId, type Queryable } from '@retail/platform';
import { splitOfRefund, splitOfSale } from '../domain/commission';
import type { OperatorCommissionRecord, SplitRecord } from '../model';
import { isoColumn } from './timestamps';

// 分账: operators' commission rates and the split rows booked from them (migrations/0002_refunds_settlement.sql).

const COMMISSION_COLUMNS = `c.id, c.brand_id AS "brandId", c.franchisee_id AS "franchiseeId", c.rate_bp AS "rateBasisPoints",
  ${isoColumn('c.effective_from')} AS "effectiveFrom", ${isoColumn('c.set_at')} AS "setAt"`;

export const SPLIT_COLUMNS = `s.id, s.order_id AS "orderId", s.kind, s.refund_id AS "refundId", s.brand_id AS "brandId", s.franchisee_id AS "franchiseeId",
  s.store_id AS "storeId", s.rate_bp AS "rateBasisPoints", s.gross_fen AS "grossFen", s.commission_fen AS "commissionFen",
  s.operator_net_fen AS "operatorNetFen", s.currency, ${isoColumn('s.booked_at')} AS "bookedAt"`;

/**
 * Records a new commission rate of an operator from `effectiveFrom` on (history is kept: earlier rows stay for
 * the orders paid before it). Unfenced: setOperatorCommission checked that the caller administers the brand.
 */
export async function insertCommission(
  q: Queryable,
  c: { brandId: string; franchiseeId: string; rateBasisPoints: number; effectiveFrom: string | null; setBy: string },
): Promise<OperatorCommissionRecord> {
  const rows = await q.query<OperatorCommissionRecord>(
    `INSERT INTO orders.operator_commission AS c (id, brand_id, franchisee_id, rate_bp, effective_from, set_by)
     VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()), $6) RETURNING ${COMMISSION_COLUMNS}`,
    [newId('com'), c.brandId, c.franchiseeId, c.rateBasisPoints, c.effectiveFrom, c.setBy],
  );
  return rows[0]!;
}

/**
 * Books the SALE split of a paid order, when it was paid at a store whose operator has a commission rate in force
 * at its paidAt (the latest effective_from not after it); nothing otherwise (a store the brand runs itself has no
 * rate). Call it inside the transaction that makes the order PAID (the order row carries paid_fen and paid_at by
 * then); a second call books nothing. Unfenced: part of the paid path, which checked the caller.
 */
export async function bookSaleSplit(tx: Queryable, orderId: string): Promise<SplitRecord | null> {
  const [o] = await tx.query<{ brandId: string; franchiseeId: string; storeId: string | null; paidFen: number; currency: string; paidAt: string; rateBasisPoints: number }>(
    `SELECT o.brand_id AS "brandId", o.franchisee_id AS "franchiseeId", o.store_id AS "storeId", o.paid_fen AS "paidFen", o.currency,
            ${isoColumn('o.paid_at')} AS "paidAt", c.rate_bp AS "rateBasisPoints"
       FROM orders."order" o
       JOIN LATERAL (SELECT c.rate_bp FROM orders.operator_commission c
                      WHERE c.brand_id = o.brand_id AND c.franchisee_id = o.franchisee_id AND c.effective_from <= o.paid_at
                      ORDER BY c.effective_from DESC, c.set_at DESC, c.id DESC LIMIT 1) c ON TRUE
      WHERE o.id = $1 AND o.paid_at IS NOT NULL AND o.franchisee_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM orders.order_split s WHERE s.order_id = o.id AND s.kind = 'SALE')`,
    [orderId],
  );
  if (!o) return null;
  const split = splitOfSale(o.paidFen, o.rateBasisPoints);
  const rows = await tx.query<SplitRecord>(
    `INSERT INTO orders.order_split AS s (id, order_id, kind, brand_id, franchisee_id, store_id, rate_bp, gross_fen, commission_fen, operator_net_fen, currency, booked_at)
     VALUES ($1, $2, 'SALE', $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz)
     ON CONFLICT DO NOTHING RETURNING ${SPLIT_COLUMNS}`,
    [newId('spl'), orderId, o.brandId, o.franchiseeId, o.storeId, o.rateBasisPoints, split.grossFen, split.commissionFen, split.operatorNetFen, o.currency, o.paidAt],
  );
  return rows[0] ?? null;
}

/**
 * Books the negative split of a refund that succeeded, when its order's sale was split: at the sale's rate, booked
 * at the refund's completion (its own period: the sale's period stays as it was). `refundedBeforeFen` is what had
 * been refunded before this refund. Unfenced: part of a refund's completion.
 */
export async function bookRefundSplit(tx: Queryable, refund: { id: string; orderId: string; amountFen: number; completedAt: string }, refundedBeforeFen: number): Promise<SplitRecord | null> {
  const [sale] = await tx.query<SplitRecord>(`SELECT ${SPLIT_COLUMNS} FROM orders.order_split s WHERE s.order_id = $1 AND s.kind = 'SALE'`, [refund.orderId]);
  if (!sale) return null;
  const split = splitOfRefund(sale.grossFen, sale.rateBasisPoints, refundedBeforeFen, refund.amountFen);
  const rows = await tx.query<SplitRecord>(
    `INSERT INTO orders.order_split AS s (id, order_id, kind, refund_id, brand_id, franchisee_id, store_id, rate_bp, gross_fen, commission_fen, operator_net_fen, currency, booked_at)
     VALUES ($1, $2, 'REFUND', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz)
     ON CONFLICT DO NOTHING RETURNING ${SPLIT_COLUMNS}`,
    [newId('spl'), refund.orderId, refund.id, sale.brandId, sale.franchiseeId, sale.storeId, sale.rateBasisPoints, split.grossFen, split.commissionFen, split.operatorNetFen, sale.currency, refund.completedAt],
  );
  return rows[0] ?? null;
}

/** A commission rate of the demo story (fixed id). */
export interface DemoCommission {
  id: string;
  brandId: string;
  franchiseeId: string;
  rateBasisPoints: number;
  effectiveFrom: string;
}

/** Demo data: commission rates, in one statement; rates already there are left as they are. */
export async function seedCommissions(q: Queryable, rates: readonly DemoCommission[]): Promise<void> {
  await q.query(
    `INSERT INTO orders.operator_commission (id, brand_id, franchisee_id, rate_bp, effective_from, set_at, set_by)
     SELECT x.id, x."brandId", x."franchiseeId", x."rateBasisPoints", x."effectiveFrom", x."effectiveFrom", 'demo'
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "brandId" text, "franchiseeId" text, "rateBasisPoints" int, "effectiveFrom" timestamptz)
     ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify(rates)],
  );
}
