import { fenceSql, fetchPage, fetchPagesByParent, newId, SqlParams, timestampSortKey, type Page, type PageRequest, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { DemoOrder } from '../demo/data';
import type { NewOrder, NewPayment, OrderLineRecord, OrderRecord, OrderState, OrderStatus, PaymentRecord, ReservationState, SalesChannel } from '../model';

/**
 * An order is in scope for the platform, its brand, the franchisee that operated its store when it was placed
 * (franchisee_id, fixed at order time), its store's staff, its attributed guide and its member
 * (docs/architecture.md §4). A partner reaches no order.
 */
export const orderFence = (scope: Scope, p: SqlParams) =>
  fenceSql(scope, { brand: 'o.brand_id', franchisee: 'o.franchisee_id', store: 'o.store_id', guide: 'o.guide_id', member: 'o.member_id' }, p);

/**
 * The pickup code (核销) only for the order's member and the pickup store's staff; NULL for everyone else in
 * scope (brand admin, franchisee, guide, platform).
 */
function pickupCodeColumn(scope: Scope, p: SqlParams): string {
  if (scope.kind === 'member') return `CASE WHEN o.member_id = ${p.add(scope.memberId)} THEN o.pickup_code END`;
  if (scope.kind === 'store') return `CASE WHEN o.pickup_store_id = ${p.add(scope.storeId)} THEN o.pickup_code END`;
  return 'NULL::text';
}

const iso = (expr: string) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const columns = (scope: Scope, p: SqlParams) => `o.id, o.brand_id AS "brandId", o.channel, o.external_order_id AS "externalOrderId",
  o.member_id AS "memberId", o.store_id AS "storeId", o.guide_id AS "guideId", o.franchisee_id AS "franchiseeId", o.status,
  o.fulfillment_type AS "fulfillmentType", o.pickup_store_id AS "pickupStoreId", ${pickupCodeColumn(scope, p)} AS "pickupCode",
  ${iso('o.ready_at')} AS "readyAt", ${iso('o.picked_up_at')} AS "pickedUpAt", o.total_fen AS "totalFen", o.paid_fen AS "paidFen",
  o.refunded_fen AS "refundedFen", o.currency, ${iso('o.placed_at')} AS "placedAt", ${iso('o.paid_at')} AS "paidAt",
  o.off_hours AS "offHours", o.reservation_id AS "reservationId"`;

const FROM = 'orders."order" o';

/** Newest first: by placing time, then id. */
const NEWEST = [timestampSortKey('o.placed_at'), 'o.id'] as const;

/** Conditions every order list can take (OrderListFilter); all must hold. */
export interface OrderConditions {
  channel?: SalesChannel | null;
  status?: OrderStatus | null;
  placedFrom?: Date | string | null;
  /** Placed before (half-open, like PeriodInput). */
  placedTo?: Date | string | null;
}

/** The root `orders` list's filter (OrderFilter). */
export interface OrderFilter extends OrderConditions {
  brandId?: string | null;
  franchiseeId?: string | null;
  storeId?: string | null;
  guideId?: string | null;
  memberId?: string | null;
}

function conditions(scope: Scope, p: SqlParams, f: OrderFilter): string {
  const where = [orderFence(scope, p)];
  if (f.brandId) where.push(`o.brand_id = ${p.add(f.brandId)}`);
  if (f.franchiseeId) where.push(`o.franchisee_id = ${p.add(f.franchiseeId)}`);
  if (f.storeId) where.push(`o.store_id = ${p.add(f.storeId)}`);
  if (f.guideId) where.push(`o.guide_id = ${p.add(f.guideId)}`);
  if (f.memberId) where.push(`o.member_id = ${p.add(f.memberId)}`);
  if (f.channel) where.push(`o.channel = ${p.add(f.channel)}`);
  if (f.status) where.push(`o.status = ${p.add(f.status)}`);
  if (f.placedFrom) where.push(`o.placed_at >= ${p.add(f.placedFrom)}::timestamptz`);
  if (f.placedTo) where.push(`o.placed_at < ${p.add(f.placedTo)}::timestamptz`);
  return where.join(' AND ');
}

/** Orders by id, inside the scope (others are absent). */
export async function ordersByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<OrderRecord[]> {
  const p = new SqlParams();
  const cols = columns(scope, p);
  return q.query<OrderRecord>(`SELECT ${cols} FROM ${FROM} WHERE o.id = ANY(${p.add(ids)}::text[]) AND ${orderFence(scope, p)}`, p.values);
}

/** An order by the channel's own id, inside the scope. */
export async function orderByExternalId(q: Queryable, scope: Scope, channel: SalesChannel, externalOrderId: string): Promise<OrderRecord | null> {
  const p = new SqlParams();
  const cols = columns(scope, p);
  const rows = await q.query<OrderRecord>(
    `SELECT ${cols} FROM ${FROM} WHERE o.channel = ${p.add(channel)} AND o.external_order_id = ${p.add(externalOrderId)} AND ${orderFence(scope, p)}`,
    p.values,
  );
  return rows[0] ?? null;
}

/** The root `orders` list: orders inside the scope matching the filter, newest first (no total: see the contract). */
export async function listOrders(q: Queryable, scope: Scope, filter: OrderFilter, page: PageRequest): Promise<Page<OrderRecord>> {
  const p = new SqlParams();
  const cols = columns(scope, p);
  return fetchPage<OrderRecord>(q, p, { columns: cols, from: FROM, where: conditions(scope, p, filter), sort: NEWEST, descending: true }, { ...page, withTotal: false });
}

/** Which column a nested order list hangs off. */
export type OrderParent = 'store' | 'guide' | 'member';
const PARENT_COLUMN: Record<OrderParent, string> = { store: 'o.store_id', guide: 'o.guide_id', member: 'o.member_id' };

/** One page of orders for each parent (store, attributed guide or member), newest first, inside the scope (one statement). */
export async function ordersOfParents(
  q: Queryable,
  scope: Scope,
  parent: OrderParent,
  parentIds: readonly string[],
  filter: OrderConditions,
  page: PageRequest,
): Promise<Map<string, Page<OrderRecord>>> {
  const p = new SqlParams();
  const cols = columns(scope, p);
  const where = conditions(scope, p, filter);
  return fetchPagesByParent<OrderRecord>(q, p, { columns: cols, from: FROM, where, sort: NEWEST, descending: true, parent: PARENT_COLUMN[parent] }, parentIds, {
    ...page,
    withTotal: false,
  });
}

/** The lines of orders, in their order. Unfenced: the orders were fenced when they were read. */
export async function linesOfOrders(q: Queryable, orderIds: readonly string[]): Promise<OrderLineRecord[]> {
  return q.query<OrderLineRecord>(
    `SELECT l.id, l.order_id AS "orderId", l.position, l.sku_id AS "skuId", l.title, l.quantity, l.unit_price_fen AS "unitPriceFen",
            l.line_total_fen AS "lineTotalFen", l.refunded_quantity AS "refundedQuantity"
       FROM orders.order_line l WHERE l.order_id = ANY($1::text[]) ORDER BY l.order_id, l.position`,
    [orderIds],
  );
}

/** The payments of orders, oldest first. Unfenced: the orders were fenced when they were read. */
export async function paymentsOfOrders(q: Queryable, orderIds: readonly string[]): Promise<PaymentRecord[]> {
  return q.query<PaymentRecord>(
    `SELECT y.id, y.order_id AS "orderId", y.provider, y.provider_transaction_id AS "providerTransactionId", y.amount_fen AS "amountFen",
            y.currency, ${iso('y.paid_at')} AS "paidAt"
       FROM orders.payment y WHERE y.order_id = ANY($1::text[]) ORDER BY y.order_id, y.paid_at, y.id`,
    [orderIds],
  );
}

// ---- Writes: the commands' side of the aggregate ----

const STATE_COLUMNS = `o.id, o.brand_id AS "brandId", o.channel, o.member_id AS "memberId", o.store_id AS "storeId", o.guide_id AS "guideId",
  o.franchisee_id AS "franchiseeId", o.status, o.fulfillment_type AS "fulfillmentType", o.pickup_store_id AS "pickupStoreId",
  o.pickup_code AS "pickupCode", o.wrong_code_attempts AS "wrongCodeAttempts", COALESCE(o.locked_until > now(), false) AS locked,
  ${iso('o.locked_until')} AS "lockedUntil", o.total_fen AS "totalFen", o.paid_fen AS "paidFen", o.refunded_fen AS "refundedFen",
  o.currency, ${iso('o.placed_at')} AS "placedAt", ${iso('o.paid_at')} AS "paidAt", o.reservation_id AS "reservationId",
  o.reservation_state AS "reservationState", o.picked_up_at IS NOT NULL AS "pickedUp",
  o.member_home_store_id AS "memberHomeStoreId", o.member_tier_code AS "memberTierCode"`;

/** An order inside the scope, locked for the rest of the transaction (FOR UPDATE); null when absent or out of scope. */
export async function lockOrder(tx: Transaction, scope: Scope, id: string): Promise<OrderState | null> {
  const p = new SqlParams();
  const rows = await tx.query<OrderState>(`SELECT ${STATE_COLUMNS} FROM ${FROM} WHERE o.id = ${p.add(id)} AND ${orderFence(scope, p)} FOR UPDATE OF o`, p.values);
  return rows[0] ?? null;
}

/** An order inside the scope as a command sees it, without a lock (checks before a call to another service). */
export async function orderState(q: Queryable, scope: Scope, id: string): Promise<OrderState | null> {
  const p = new SqlParams();
  const rows = await q.query<OrderState>(`SELECT ${STATE_COLUMNS} FROM ${FROM} WHERE o.id = ${p.add(id)} AND ${orderFence(scope, p)}`, p.values);
  return rows[0] ?? null;
}

/** Writes a new order with its lines (two statements). Unfenced: placeOrder has checked the caller against the order. */
export async function insertOrder(tx: Transaction, o: NewOrder): Promise<void> {
  await tx.query(
    `INSERT INTO orders."order" (id, brand_id, channel, member_id, store_id, guide_id, franchisee_id, status, fulfillment_type, pickup_store_id,
       pickup_code, ready_at, total_fen, currency, placed_at, payment_due_at, off_hours, reservation_id, reservation_state, idempotency_key,
       member_home_store_id, member_tier_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING_PAYMENT', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, CASE WHEN $17::text IS NULL THEN NULL ELSE 'HELD' END, $18, $19, $20)`,
    [o.id, o.brandId, o.channel, o.memberId, o.storeId, o.guideId, o.franchiseeId, o.fulfillmentType, o.pickupStoreId, o.pickupCode, o.readyAt, o.totalFen,
      o.currency, o.placedAt, o.paymentDueAt, o.offHours, o.reservationId, o.idempotencyKey, o.memberHomeStoreId, o.memberTierCode],
  );
  await tx.query(
    `INSERT INTO orders.order_line (id, order_id, position, sku_id, title, quantity, unit_price_fen, line_total_fen)
     SELECT $1 || '-' || x.n, $1, x.n, x.sku_id, x.title, x.quantity, x.unit_price_fen, x.line_total_fen
       FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[]) WITH ORDINALITY AS x(sku_id, title, quantity, unit_price_fen, line_total_fen, n)`,
    [o.id, o.lines.map((l) => l.skuId), o.lines.map((l) => l.title), o.lines.map((l) => l.quantity), o.lines.map((l) => l.unitPriceFen), o.lines.map((l) => l.lineTotalFen)],
  );
}

/** The id of the payment a provider already reported under this transaction id, if any. Unfenced: payment dedupe. */
export async function paymentByProviderTransaction(q: Queryable, provider: string, providerTransactionId: string): Promise<{ orderId: string } | null> {
  const rows = await q.query<{ orderId: string }>(`SELECT order_id AS "orderId" FROM orders.payment WHERE provider = $1 AND provider_transaction_id = $2`, [provider, providerTransactionId]);
  return rows[0] ?? null;
}

/**
 * Records a payment and moves the locked order to `status` (PAID, or COMPLETED for a sale handed over at the till).
 * Unfenced: the caller holds the order's lock and has checked the amount.
 */
export async function recordPayment(tx: Transaction, y: NewPayment, status: OrderStatus): Promise<void> {
  await tx.query(
    `INSERT INTO orders.payment (id, order_id, provider, provider_transaction_id, amount_fen, currency, paid_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [newId('pay'), y.orderId, y.provider, y.providerTransactionId, y.amountFen, y.currency, y.paidAt],
  );
  await tx.query(
    `UPDATE orders."order" SET paid_fen = paid_fen + $2, paid_at = COALESCE(paid_at, $3::timestamptz), status = $4, payment_due_at = NULL,
       completed_at = CASE WHEN $4 = 'COMPLETED' THEN $3::timestamptz ELSE completed_at END,
       picked_up_at = CASE WHEN $4 = 'COMPLETED' AND fulfillment_type = 'STORE_PICKUP' THEN $3::timestamptz ELSE picked_up_at END, updated_at = now()
     WHERE id = $1`,
    [y.orderId, y.amountFen, y.paidAt, status],
  );
}

/** A provider payment that did not fit its order; a second report of the same transaction adds nothing. Unfenced: consumer. */
export async function recordPaymentMismatch(tx: Transaction, m: NewPayment & { providerTransactionId: string; reason: string }): Promise<void> {
  await tx.query(
    `INSERT INTO orders.payment_mismatch (provider, provider_transaction_id, order_id, amount_fen, currency, reason) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (provider, provider_transaction_id) DO NOTHING`,
    [m.provider, m.providerTransactionId, m.orderId, m.amountFen, m.currency, m.reason],
  );
}

/** Packed and waiting at the store (待自提). Unfenced: the caller holds the order's lock. */
export async function markReady(tx: Transaction, orderId: string): Promise<void> {
  await tx.query(`UPDATE orders."order" SET status = 'READY_FOR_PICKUP', ready_at = now(), updated_at = now() WHERE id = $1`, [orderId]);
}

/**
 * Collected at the store (核销): COMPLETED, its reservation consumed; an order partly refunded before it stays
 * PARTIALLY_REFUNDED (the refund is what its status tells), collected all the same. Unfenced: the caller holds the order's lock.
 */
export async function markPickedUp(tx: Transaction, orderId: string, reservationState: ReservationState | null): Promise<string> {
  const rows = await tx.query<{ at: string }>(
    `UPDATE orders."order" SET status = CASE WHEN status = 'PARTIALLY_REFUNDED' THEN status ELSE 'COMPLETED' END, picked_up_at = now(), completed_at = now(), wrong_code_attempts = 0, locked_until = NULL,
       reservation_state = COALESCE($2, reservation_state), updated_at = now()
     WHERE id = $1 RETURNING ${iso('completed_at')} AS at`,
    [orderId, reservationState],
  );
  return rows[0]!.at;
}

/**
 * Counts a wrong pickup code on the order (locking it for `lockMinutes` at the `maxWrong`th in a row) and at its
 * store; returns the order's attempts and whether it is locked now. Unfenced: the caller holds the order's lock.
 */
export async function countWrongCode(tx: Transaction, orderId: string, storeId: string, maxWrong: number, lockMinutes: number): Promise<{ attempts: number; locked: boolean }> {
  await tx.query(`INSERT INTO orders.pickup_failure (store_id, order_id) VALUES ($1, $2)`, [storeId, orderId]);
  const rows = await tx.query<{ attempts: number; locked: boolean }>(
    `UPDATE orders."order" SET wrong_code_attempts = wrong_code_attempts + 1,
       locked_until = CASE WHEN wrong_code_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END, updated_at = now()
     WHERE id = $1 RETURNING wrong_code_attempts AS attempts, COALESCE(locked_until > now(), false) AS locked`,
    [orderId, maxWrong, lockMinutes],
  );
  return rows[0]!;
}

/** A lock that has run out starts the count afresh. Unfenced: the caller holds the order's lock. */
export async function clearExpiredLock(tx: Transaction, orderId: string): Promise<void> {
  await tx.query(`UPDATE orders."order" SET wrong_code_attempts = 0, locked_until = NULL WHERE id = $1 AND locked_until IS NOT NULL AND locked_until <= now()`, [orderId]);
}

/** Wrong pickup codes entered at a store within the last `minutes`. Unfenced: a count, for the store's rate limit. */
export async function recentWrongCodesAtStore(q: Queryable, storeId: string, minutes: number): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM orders.pickup_failure WHERE store_id = $1 AND failed_at > now() - make_interval(mins => $2)`,
    [storeId, minutes],
  );
  return rows[0]!.n;
}

/** Cancels the locked order. Unfenced: the caller holds the order's lock and checked the transition. */
export async function markCancelled(tx: Transaction, orderId: string, reason: string | null): Promise<void> {
  await tx.query(
    `UPDATE orders."order" SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = $2, payment_due_at = NULL, updated_at = now() WHERE id = $1`,
    [orderId, reason],
  );
}

/**
 * Cancels up to `limit` orders whose payment deadline has passed, skipping rows another runner holds, and returns
 * them (with their reservations still HELD, to be returned after the commit). Unfenced: the job acts for the platform.
 */
export async function cancelOverdueUnpaid(tx: Transaction, limit: number): Promise<{ id: string; reservationId: string | null }[]> {
  return tx.query<{ id: string; reservationId: string | null }>(
    `WITH due AS (
       SELECT id FROM orders."order" WHERE status = 'PENDING_PAYMENT' AND payment_due_at <= now() ORDER BY payment_due_at LIMIT $1 FOR UPDATE SKIP LOCKED
     )
     UPDATE orders."order" o SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = 'payment timeout', payment_due_at = NULL, updated_at = now()
       FROM due WHERE o.id = due.id RETURNING o.id, o.reservation_id AS "reservationId"`,
    [limit],
  );
}

/** Ended orders whose reservation products has not settled yet (oldest first), locked for this runner. Unfenced: the job. */
export async function lockUnsettledReservations(tx: Transaction, limit: number): Promise<{ id: string; status: OrderStatus; reservationId: string }[]> {
  return tx.query<{ id: string; status: OrderStatus; reservationId: string }>(
    `SELECT id, status, reservation_id AS "reservationId" FROM orders."order"
      WHERE reservation_state = 'HELD' AND status IN ('CANCELLED', 'COMPLETED') ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
}

/** Records what products answered for an order's reservation (only while it is still HELD). Unfenced: after a releaseStock call. */
export async function setReservationState(q: Queryable, orderId: string, state: ReservationState): Promise<void> {
  await q.query(`UPDATE orders."order" SET reservation_state = $2 WHERE id = $1 AND reservation_state = 'HELD'`, [orderId, state]);
}

/**
 * Demo data: orders with their lines and payments (three statements); orders already there are left as they are,
 * and so are their lines and payments. An unpaid one is due ORDER_PAYMENT_TIMEOUT_MIN after the seed, like a new
 * order. Unfenced: the seed.
 */
export async function seedDemoOrders(tx: Transaction, orders: readonly DemoOrder[], paymentTimeoutMin: number): Promise<void> {
  const rows = orders.map((o) => ({
    ...o,
    externalOrderId: o.externalOrderId ?? null,
    pickupStoreId: o.fulfillment === 'STORE_PICKUP' ? o.storeId : null,
    pickupCode: o.pickupCode ?? null,
    paidFen: o.paidAt ? o.totalFen : 0,
    completedAt: o.status === 'COMPLETED' ? (o.pickedUpAt ?? o.paidAt) : null,
  }));
  await tx.query(
    `INSERT INTO orders."order" (id, brand_id, channel, external_order_id, member_id, store_id, guide_id, franchisee_id, status, fulfillment_type,
       pickup_store_id, pickup_code, ready_at, picked_up_at, total_fen, paid_fen, currency, placed_at, paid_at, payment_due_at, completed_at, off_hours)
     SELECT x.id, x."brandId", x.channel, x."externalOrderId", x."memberId", x."storeId", x."guideId", x."franchiseeId", x.status, x.fulfillment,
       x."pickupStoreId", x."pickupCode", x."readyAt", x."pickedUpAt", x."totalFen", x."paidFen", 'CNY', x."placedAt", x."paidAt",
       CASE WHEN x.status = 'PENDING_PAYMENT' THEN now() + make_interval(mins => $2) END, x."completedAt", x."offHours"
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, "brandId" text, channel text, "externalOrderId" text, "memberId" text, "storeId" text, "guideId" text,
       "franchiseeId" text, status text, fulfillment text, "pickupStoreId" text, "pickupCode" text, "readyAt" timestamptz, "pickedUpAt" timestamptz,
       "totalFen" bigint, "paidFen" bigint, "placedAt" timestamptz, "paidAt" timestamptz, "completedAt" timestamptz, "offHours" boolean)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows), paymentTimeoutMin],
  );
  const lines = orders.flatMap((o) => o.priced.map((l, i) => ({ ...l, id: `${o.id}-${i + 1}`, orderId: o.id, position: i + 1 })));
  await tx.query(
    `INSERT INTO orders.order_line (id, order_id, position, sku_id, title, quantity, unit_price_fen, line_total_fen)
     SELECT x.id, x."orderId", x.position, x."skuId", x.title, x.quantity, x."unitPriceFen", x."lineTotalFen"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "orderId" text, position int, "skuId" text, title text, quantity int, "unitPriceFen" bigint, "lineTotalFen" bigint)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(lines)],
  );
  const payments = orders
    .filter((o) => o.paidAt && o.provider)
    .map((o) => ({ id: `pay-${o.id}`, orderId: o.id, provider: o.provider, providerTransactionId: o.provider === 'CASH' ? null : `demo-${o.id}`, amountFen: o.totalFen, paidAt: o.paidAt }));
  await tx.query(
    `INSERT INTO orders.payment (id, order_id, provider, provider_transaction_id, amount_fen, currency, paid_at)
     SELECT x.id, x."orderId", x.provider, x."providerTransactionId", x."amountFen", 'CNY', x."paidAt"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "orderId" text, provider text, "providerTransactionId" text, "amountFen" bigint, "paidAt" timestamptz)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(payments)],
  );
}
