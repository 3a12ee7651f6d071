import type { Queryable } from '@retail/platform';

// Refunds to send to the payment providers (migrations/0003_outbound.sql). Written by the orders.refund.requested
// consumer and the send-refunds job, never by a viewer: no Scope (nothing here is read through the graph).

/** What orders.refund.requested asks (docs/events.md). */
export interface RefundRequest {
  refundId: string;
  orderId: string;
  brandId: string;
  provider: 'ALIPAY' | 'WECHAT_PAY';
  providerTransactionId: string | null;
  amountFen: number;
  paidFen: number;
  currency: string;
  reason: string | null;
  requestedAt: string;
}

export type OutboundRefundStatus = 'PENDING' | 'PROCESSING' | 'SUCCEEDED' | 'REFUSED';

/** A refund claimed by a job run, with the lease it holds. */
export interface ClaimedRefund extends RefundRequest {
  connectionId: string | null;
  status: OutboundRefundStatus;
  attempts: number;
  leaseId: string;
}

/** Records the request once (a repeated event, or the same refund id again, changes nothing). */
export async function recordRefundRequest(q: Queryable, r: RefundRequest): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO channels.outbound_refund (refund_id, order_id, brand_id, provider, provider_transaction_id, amount_fen, paid_fen, currency, reason, requested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`,
    [r.refundId, r.orderId, r.brandId, r.provider, r.providerTransactionId, r.amountFen, r.paidFen, r.currency, r.reason, r.requestedAt],
  );
  return rows.length > 0;
}

const REQUESTED = `refund_id AS "refundId", order_id AS "orderId", brand_id AS "brandId", provider, provider_transaction_id AS "providerTransactionId",
  amount_fen::float8 AS "amountFen", paid_fen::float8 AS "paidFen", currency, reason, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "requestedAt",
  connection_id AS "connectionId", status, attempts`;
const CLAIMED = `${REQUESTED}, lease_id AS "leaseId"`;

/**
 * Claims up to `limit` refunds that are due (PENDING or PROCESSING, next_attempt_at passed, no live lease) for
 * `leaseMs`, counting the attempt. Rows another run holds are skipped (SKIP LOCKED), so parallel runs share the work.
 */
export function claimDueRefunds(q: Queryable, leaseId: string, limit: number, leaseMs: number): Promise<ClaimedRefund[]> {
  return q.query<ClaimedRefund>(
    `UPDATE channels.outbound_refund SET lease_id = $1, lease_until = now() + make_interval(secs => $3::float8 / 1000), attempts = attempts + 1, updated_at = now()
      WHERE refund_id IN (SELECT refund_id FROM channels.outbound_refund
                           WHERE status IN ('PENDING', 'PROCESSING') AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                           ORDER BY next_attempt_at, refund_id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING ${CLAIMED}`,
    [leaseId, limit, leaseMs],
  );
}

/**
 * The connection that took the order's payment (its ACCEPTED payment event), else the brand's only ACTIVE
 * connection of the provider; null when there is none or several to choose from.
 */
export async function paymentConnectionFor(q: Queryable, r: Pick<RefundRequest, 'orderId' | 'brandId' | 'provider'>): Promise<string | null> {
  const rows = await q.query<{ id: string; fromPayment: boolean }>(
    `(SELECT e.connection_id AS id, TRUE AS "fromPayment" FROM channels.inbound_event e
       WHERE e.order_id = $1 AND e.channel = $3 AND e.brand_id = $2 AND e.status = 'ACCEPTED' ORDER BY e.received_at LIMIT 1)
     UNION ALL
     (SELECT c.id, FALSE FROM channels.connection c WHERE c.brand_id = $2 AND c.channel = $3 AND c.status = 'ACTIVE' LIMIT 2)`,
    [r.orderId, r.brandId, r.provider],
  );
  const paid = rows.find((row) => row.fromPayment);
  if (paid) return paid.id;
  return rows.length === 1 ? rows[0]!.id : null;
}

/** After an attempt that did not settle it: when to try again, what went wrong; only while the lease is ours. */
export async function rescheduleRefund(
  q: Queryable,
  c: { refundId: string; leaseId: string; status: 'PENDING' | 'PROCESSING'; connectionId: string | null; delayMs: number; error: string | null },
): Promise<void> {
  await q.query(
    `UPDATE channels.outbound_refund SET status = $3, connection_id = coalesce($4, connection_id), next_attempt_at = now() + make_interval(secs => $5::float8 / 1000),
            last_error = $6, lease_id = NULL, lease_until = NULL, updated_at = now()
      WHERE refund_id = $1 AND lease_id = $2 AND status IN ('PENDING', 'PROCESSING')`,
    [c.refundId, c.leaseId, c.status, c.connectionId, c.delayMs, c.error],
  );
}

/**
 * The provider refused it for good: REFUSED with the reason, by the send-refunds run holding `leaseId`, or (leaseId
 * null) whoever holds the lease (the provider's refund notification said so). True only for the one write that changed
 * it, so channels.refund.failed is appended once in that same transaction; the refund as it was recorded.
 */
export async function markRefundRefused(q: Queryable, c: { refundId: string; leaseId: string | null; connectionId: string | null; reason: string }): Promise<RefusedRefund | null> {
  const rows = await q.query<RefusedRefund>(
    `UPDATE channels.outbound_refund SET status = 'REFUSED', connection_id = coalesce($3, connection_id), last_error = $4, lease_id = NULL, lease_until = NULL, updated_at = now()
      WHERE refund_id = $1 AND ($2::text IS NULL OR lease_id = $2) AND status IN ('PENDING', 'PROCESSING')
      RETURNING refund_id AS "refundId", order_id AS "orderId", brand_id AS "brandId", provider, connection_id AS "connectionId",
                amount_fen::float8 AS "amountFen", currency, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "refusedAt"`,
    [c.refundId, c.leaseId, c.connectionId, c.reason],
  );
  return rows[0] ?? null;
}

/** A refund as it was refused (for channels.refund.failed). */
export interface RefusedRefund {
  refundId: string;
  orderId: string;
  brandId: string;
  provider: 'ALIPAY' | 'WECHAT_PAY';
  connectionId: string | null;
  amountFen: number;
  currency: string;
  refusedAt: string;
}

/** An outbound refund by id (a provider's refund notification names it by out_refund_no). No Scope: see the file's head. */
export async function outboundRefundById(q: Queryable, refundId: string): Promise<(RefundRequest & { status: OutboundRefundStatus; connectionId: string | null }) | null> {
  const rows = await q.query<RefundRequest & { status: OutboundRefundStatus; connectionId: string | null }>(
    `SELECT ${REQUESTED} FROM channels.outbound_refund WHERE refund_id = $1`,
    [refundId],
  );
  return rows[0] ?? null;
}

/**
 * SUCCEEDED, whoever holds the lease (a notify may settle it too): true only for the one write that changed it, so
 * channels.refund.succeeded is appended once in that same transaction.
 */
export async function markRefundSucceeded(q: Queryable, c: { refundId: string; connectionId: string; providerRefundNo: string; refundedAt: string }): Promise<boolean> {
  const rows = await q.query(
    `UPDATE channels.outbound_refund SET status = 'SUCCEEDED', connection_id = $2, provider_refund_no = $3, refunded_at = $4, last_error = NULL,
            lease_id = NULL, lease_until = NULL, updated_at = now()
      WHERE refund_id = $1 AND status IN ('PENDING', 'PROCESSING') RETURNING refund_id`,
    [c.refundId, c.connectionId, c.providerRefundNo, c.refundedAt],
  );
  return rows.length > 0;
}
