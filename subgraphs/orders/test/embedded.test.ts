import { createTestEmbedded } from '@retail/platform/testing';
import { ordersSubgraph } from '../src';
import { cancelUnpaidOrdersJob } from '../src/jobs/cancel-unpaid-orders';
import { DEMO_ORDERS } from '../src/demo/data';
import { as } from './callers';
import { key, PLACE, pickupInput, setStock, startOrders, stockOf, type OrdersUnderTest, type Payload, type PlacedOrder } from './graph';

// orders on the embedded database (PGlite over pglite-socket), as `npm start` runs it; products and members beside it.
let g: OrdersUnderTest;
beforeAll(async () => {
  g = await startOrders({ database: createTestEmbedded });
}, 120_000);
afterAll(async () => {
  await g?.close();
});

const SKU = 'sku-lng-pj-2402-bl-m';

describe('orders on the embedded database', () => {
  it('seeds idempotently and fences the list', async () => {
    await ordersSubgraph.seed(g.orders.db);
    const n = await g.orders.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders."order"`);
    expect(n[0]!.n).toBe(DEMO_ORDERS.length);
    const d = await g.orders.data<{ orders: { edges: { node: { id: string } }[] } }>(as.lngMember7, `{ orders { edges { node { id } } } }`);
    const own = DEMO_ORDERS.filter((o) => o.memberId === 'mem-lng-0007').map((o) => o.id).sort();
    expect(own).toEqual(expect.arrayContaining(['ord-demo-lng-0001', 'ord-demo-lng-0005']));
    expect(d.orders.edges.map((e) => e.node.id).sort()).toEqual(own);
  });

  it('places 10 parallel orders for the last 3 units: 3 orders, 7 OUT_OF_STOCK; pays, collects and cancels', async () => {
    await setStock(g.products, 'store-lng-03', SKU, 3);
    const results = (await Promise.all(
      Array.from({ length: 10 }, () => g.orders.gql(as.lngMember7, PLACE, { input: pickupInput([{ skuId: SKU, quantity: 1 }]) })),
    )) as Payload<'placeOrder', PlacedOrder>[];
    const orders = results.flatMap((r) => (r.data?.placeOrder.order ? [r.data.placeOrder.order] : []));
    expect(orders).toHaveLength(3);
    expect(results.flatMap((r) => r.data!.placeOrder.userErrors.map((e) => e.code))).toEqual(Array(7).fill('OUT_OF_STOCK'));
    const [a, b, c] = orders as [PlacedOrder, PlacedOrder, PlacedOrder];

    const paid = await g.orders.data<{ recordCashPayment: { order: { status: string } } }>(
      as.lngStaff03,
      `mutation($input: RecordCashPaymentInput!) { recordCashPayment(input: $input) { order { status } } }`,
      { input: { idempotencyKey: key(), orderId: a.id, amount: { amount: a.total.amount, currency: 'CNY' } } },
    );
    expect(paid.recordCashPayment.order.status).toBe('PAID');
    const done = await g.orders.data<{ confirmPickup: { order: { status: string } } }>(
      as.lngStaff03,
      `mutation($input: ConfirmPickupInput!) { confirmPickup(input: $input) { order { status } } }`,
      { input: { idempotencyKey: key(), orderId: a.id, pickupCode: a.fulfillment.pickupCode } },
    );
    expect(done.confirmPickup.order.status).toBe('COMPLETED');

    await g.orders.data(as.lngMember7, `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { order { status } } }`, { input: { idempotencyKey: key(), orderId: b.id } });
    await g.orders.db.query(`UPDATE orders."order" SET payment_due_at = now() - interval '1 second' WHERE id = $1`, [c.id]);
    const runs = (await Promise.all([cancelUnpaidOrdersJob.run(g.orders.running.deps), cancelUnpaidOrdersJob.run(g.orders.running.deps)])) as { cancelled: number }[];
    expect(runs[0]!.cancelled + runs[1]!.cancelled).toBe(1);
    // One unit collected, two back on the shelf.
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: 2, reserved: 0 });
  }, 60_000);
});
