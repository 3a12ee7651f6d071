import { as } from './callers';
import { cancelUnpaidOrdersJob } from '../src/jobs/cancel-unpaid-orders';
import { settleReservationsJob } from '../src/jobs/settle-reservations';
import { key, PLACE, pickupInput, setStock, startOrders, stockOf, type OrdersUnderTest, type Payload, type PlacedOrder } from './graph';

let g: OrdersUnderTest;
beforeAll(async () => {
  g = await startOrders();
}, 120_000);
afterAll(async () => {
  await g?.close();
});

const SKU = 'sku-lng-pt-2402-wh-m'; // 79.00
type Viewer = Parameters<OrdersUnderTest['orders']['gql']>[0];

async function newOrder(quantity = 1): Promise<PlacedOrder> {
  const res = (await g.orders.gql(as.lngMember7, PLACE, { input: pickupInput([{ skuId: SKU, quantity }]) })) as Payload<'placeOrder', PlacedOrder>;
  expect(res.data!.placeOrder.userErrors).toEqual([]);
  return res.data!.placeOrder.order!;
}
const CANCEL = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { order { id status } userErrors { code message } } }`;
const cancel = (viewer: Viewer, orderId: string, idempotencyKey = key('cancel')) =>
  g.orders.data<{ cancelOrder: { order: { id: string; status: string } | null; userErrors: { code: string; message: string }[] } }>(viewer, CANCEL, { input: { idempotencyKey, orderId, reason: '不想要了' } }).then((d) => d.cancelOrder);

describe('cancelOrder', () => {
  beforeAll(async () => {
    await setStock(g.products, 'store-lng-03', SKU, 30);
  });

  it('cancels an unpaid order for its member and returns the reserved units', async () => {
    const order = await newOrder(3);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: 30, reserved: 3 });
    expect(await cancel(as.lngMember7, order.id)).toEqual({ order: { id: order.id, status: 'CANCELLED' }, userErrors: [] });
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: 30, reserved: 0 });
    const row = await g.orders.db.query<{ s: string; reason: string }>(`SELECT reservation_state AS s, cancel_reason AS reason FROM orders."order" WHERE id = $1`, [order.id]);
    expect(row[0]).toEqual({ s: 'RETURNED', reason: '不想要了' });
  });

  it('refuses a paid order (it is refunded instead), a guide, and another member', async () => {
    const order = await newOrder();
    expect((await cancel(as.lngGuide031, order.id)).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((await cancel(as.lngMember1, order.id)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    await g.orders.data(as.lngStaff03, `mutation($input: RecordCashPaymentInput!) { recordCashPayment(input: $input) { userErrors { code } } }`, {
      input: { idempotencyKey: key(), orderId: order.id, amount: { amount: '79.00', currency: 'CNY' } },
    });
    const refused = await cancel(as.lngStaff03, order.id);
    expect(refused.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
    expect(refused.userErrors[0]!.message).toContain('refund');
  });

  it('leaves the units to the settle-reservations job when products cannot be reached, and returns them once', async () => {
    const order = await newOrder(2);
    const before = await stockOf(g.products, 'store-lng-03', SKU);
    // A cancel whose call to products failed leaves this: the order CANCELLED, its reservation still HELD.
    await g.orders.db.query(`UPDATE orders."order" SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    const deps = g.orders.running.deps;
    const runs = await Promise.all([settleReservationsJob.run(deps), settleReservationsJob.run(deps)]);
    expect(runs.map((r) => (r as { settled: number }).settled).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand, reserved: before.reserved - 2 });
    expect(await settleReservationsJob.run(deps)).toEqual({ settled: 0 });
  });
});

describe('the cancel-unpaid-orders job', () => {
  it('cancels overdue unpaid orders once with two runners in parallel, and returns their stock once', async () => {
    await setStock(g.products, 'store-lng-03', SKU, 30);
    const overdue = await Promise.all([newOrder(1), newOrder(2), newOrder(3)]);
    const fresh = await newOrder(1);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: 30, reserved: 7 });
    await g.orders.db.query(`UPDATE orders."order" SET payment_due_at = now() - interval '1 minute' WHERE id = ANY($1::text[])`, [overdue.map((o) => o.id)]);
    const releases = async () =>
      (await g.products.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM products.stock_movement WHERE sku_id = $1 AND reserved_delta < 0`, [SKU]))[0]!.n;
    const releasedBefore = await releases();
    const deps = g.orders.running.deps;
    const runs = (await Promise.all([cancelUnpaidOrdersJob.run(deps), cancelUnpaidOrdersJob.run(deps)])) as { cancelled: number; returned: number }[];
    expect(runs.reduce((n, r) => n + r.cancelled, 0)).toBe(3);
    expect(runs.reduce((n, r) => n + r.returned, 0)).toBe(3);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: 30, reserved: 1 });
    const rows = await g.orders.db.query<{ id: string; status: string; s: string }>(`SELECT id, status, reservation_state AS s FROM orders."order" WHERE id = ANY($1::text[]) ORDER BY id`, [
      [...overdue, fresh].map((o) => o.id),
    ]);
    expect(rows.map((r) => [r.id, r.status, r.s])).toEqual(
      [...overdue.map((o) => [o.id, 'CANCELLED', 'RETURNED']), [fresh.id, 'PENDING_PAYMENT', 'HELD']].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    // Each reservation was returned once at products.
    expect((await releases()) - releasedBefore).toBe(3);
    expect(await cancelUnpaidOrdersJob.run(deps)).toEqual({ cancelled: 0, returned: 0 });
  });

  it('sets the payment deadline from ORDER_PAYMENT_TIMEOUT_MIN (30 minutes by default)', async () => {
    const order = await newOrder();
    const row = await g.orders.db.query<{ minutes: number }>(`SELECT round(extract(epoch FROM payment_due_at - placed_at) / 60)::int AS minutes FROM orders."order" WHERE id = $1`, [order.id]);
    expect(row[0]!.minutes).toBe(30);
  });
});
