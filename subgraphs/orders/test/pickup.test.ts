import { as } from './callers';
import { key, outboxPayloads, PLACE, pickupInput, setStock, startOrders, stockOf, type OrdersUnderTest, type Payload, type PlacedOrder } from './graph';

let g: OrdersUnderTest;
beforeAll(async () => {
  g = await startOrders();
  await setStock(g.products, 'store-lng-03', SKU, 50);
}, 120_000);
afterAll(async () => {
  await g?.close();
});

const SKU = 'sku-lng-br-2401-bk-70b'; // 299.00
type Viewer = Parameters<OrdersUnderTest['orders']['gql']>[0];

/** A paid store-pickup order of mem-lng-0007 at store-lng-03 with its code. */
async function paidOrder(quantity = 1): Promise<{ id: string; code: string }> {
  const res = (await g.orders.gql(as.lngMember7, PLACE, { input: pickupInput([{ skuId: SKU, quantity }]) })) as Payload<'placeOrder', PlacedOrder>;
  const order = res.data!.placeOrder.order!;
  const paid = await g.orders.data<{ recordCashPayment: { userErrors: unknown[] } }>(
    as.lngStaff03,
    `mutation($input: RecordCashPaymentInput!) { recordCashPayment(input: $input) { userErrors { code } } }`,
    { input: { idempotencyKey: key(), orderId: order.id, amount: { amount: (299 * quantity).toFixed(2), currency: 'CNY' } } },
  );
  expect(paid.recordCashPayment.userErrors).toEqual([]);
  return { id: order.id, code: order.fulfillment.pickupCode! };
}

const READY = `mutation($id: ID!) { markReadyForPickup(input: { orderId: $id }) { order { status fulfillment { readyAt } } userErrors { code message } } }`;
const CONFIRM = `mutation($input: ConfirmPickupInput!) { confirmPickup(input: $input) { order { id status fulfillment { pickedUpAt } } userErrors { code field message } } }`;
interface ConfirmOut {
  confirmPickup: { order: { id: string; status: string; fulfillment: { pickedUpAt: string | null } } | null; userErrors: { code: string; field: string[] | null; message: string }[] };
}
const confirm = (viewer: Viewer, orderId: string, pickupCode: string, idempotencyKey = key('pickup')) =>
  g.orders.data<ConfirmOut>(viewer, CONFIRM, { input: { idempotencyKey, orderId, pickupCode } }).then((d) => d.confirmPickup);
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('markReadyForPickup', () => {
  it('moves a paid pickup order to READY_FOR_PICKUP for the pickup store; not an unpaid one; not for another store', async () => {
    const { id } = await paidOrder();
    const other = await g.orders.data<{ markReadyForPickup: { userErrors: { code: string }[] } }>(as.lngStaff04, READY, { id });
    expect(other.markReadyForPickup.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const guide = await g.orders.data<{ markReadyForPickup: { userErrors: { code: string }[] } }>(as.lngGuide031, READY, { id });
    expect(guide.markReadyForPickup.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    const ready = await g.orders.data<{ markReadyForPickup: { order: { status: string; fulfillment: { readyAt: string } } } }>(as.lngStaff03, READY, { id });
    expect(ready.markReadyForPickup.order).toEqual({ status: 'READY_FOR_PICKUP', fulfillment: { readyAt: expect.any(String) } });
    const unpaid = ((await g.orders.gql(as.lngMember7, PLACE, { input: pickupInput([{ skuId: SKU, quantity: 1 }]) })) as Payload<'placeOrder', PlacedOrder>).data!.placeOrder.order!;
    const refused = await g.orders.data<{ markReadyForPickup: { userErrors: { code: string }[] } }>(as.lngStaff03, READY, { id: unpaid.id });
    expect(refused.markReadyForPickup.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
  });
});

describe('confirmPickup (核销)', () => {
  it('hands over with the right code: COMPLETED, the reserved units consumed, orders.order.completed; replayed by key', async () => {
    const before = await stockOf(g.products, 'store-lng-03', SKU);
    const { id, code } = await paidOrder(2);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });
    await g.orders.data(as.lngStaff03, READY, { id });
    const k = key('pickup');
    const done = await confirm(as.lngStaff03, id, code, k);
    expect(done).toEqual({ order: { id, status: 'COMPLETED', fulfillment: { pickedUpAt: expect.any(String) } }, userErrors: [] });
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    expect(await confirm(as.lngStaff03, id, code, k)).toEqual(done);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand - 2, reserved: before.reserved });
    expect((await confirm(as.lngStaff03, id, code)).userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
    expect((await outboxPayloads<{ orderId: string }>(g.orders, 'orders.order.completed')).filter((e) => e.orderId === id)).toHaveLength(1);
  });

  it('consumes once when the same order is confirmed in parallel under different keys', async () => {
    const before = await stockOf(g.products, 'store-lng-03', SKU);
    const { id, code } = await paidOrder(1);
    const results = await Promise.all(Array.from({ length: 8 }, () => confirm(as.lngStaff03, id, code)));
    expect(results.filter((r) => r.order?.status === 'COMPLETED').length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect(r.order?.status === 'COMPLETED' || r.userErrors[0]?.code === 'INVALID_TRANSITION').toBe(true);
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    expect((await outboxPayloads<{ orderId: string }>(g.orders, 'orders.order.completed')).filter((e) => e.orderId === id)).toHaveLength(1);
  });

  it('counts wrong codes and locks the order after the 5th, even against the right code', async () => {
    const { id, code } = await paidOrder();
    for (let i = 1; i <= 4; i++) {
      const r = await confirm(as.lngStaff03, id, wrongCode(code));
      expect([r.order, r.userErrors.map((e) => [e.code, e.field])]).toEqual([null, [['INVALID_PICKUP_CODE', ['input', 'pickupCode']]]]);
      expect(r.userErrors[0]!.message).toContain(`${i} of 5`);
    }
    const fifth = await confirm(as.lngStaff03, id, wrongCode(code));
    expect(fifth.userErrors.map((e) => e.code)).toEqual(['INVALID_PICKUP_CODE']);
    expect(fifth.userErrors[0]!.message).toContain('locked');
    const locked = await confirm(as.lngStaff03, id, code);
    expect(locked.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect(locked.userErrors[0]!.message).toContain('locked');
    const row = await g.orders.db.query<{ status: string; attempts: number; locked: boolean }>(
      `SELECT status, wrong_code_attempts AS attempts, locked_until > now() AS locked FROM orders."order" WHERE id = $1`,
      [id],
    );
    expect(row[0]).toEqual({ status: 'PAID', attempts: 5, locked: true });
    // When the lock has run out, the right code hands over.
    await g.orders.db.query(`UPDATE orders."order" SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await confirm(as.lngStaff03, id, code)).order?.status).toBe('COMPLETED');
  });

  it('locks at the 5th wrong code when 10 wrong codes arrive at once', async () => {
    const { id, code } = await paidOrder();
    const results = await Promise.all(Array.from({ length: 10 }, () => confirm(as.lngStaff03, id, wrongCode(code))));
    const codes = results.map((r) => r.userErrors.map((e) => e.code).join());
    expect(codes.filter((c) => c === 'INVALID_PICKUP_CODE')).toHaveLength(5);
    expect(codes.filter((c) => c === 'FORBIDDEN')).toHaveLength(5);
    const row = await g.orders.db.query<{ attempts: number }>(`SELECT wrong_code_attempts AS attempts FROM orders."order" WHERE id = $1`, [id]);
    expect(row[0]!.attempts).toBe(5);
  });

  it('counts a wrong code under one key once, and a malformed code as wrong', async () => {
    const { id, code } = await paidOrder();
    const k = key('pickup');
    await confirm(as.lngStaff03, id, wrongCode(code), k);
    await confirm(as.lngStaff03, id, wrongCode(code), k);
    await confirm(as.lngStaff03, id, 'abc');
    const row = await g.orders.db.query<{ attempts: number }>(`SELECT wrong_code_attempts AS attempts FROM orders."order" WHERE id = $1`, [id]);
    expect(row[0]!.attempts).toBe(2);
  });

  it('limits the wrong codes a store may enter over all its orders', async () => {
    const { id, code } = await paidOrder();
    await g.orders.db.query(`INSERT INTO orders.pickup_failure (store_id, order_id) SELECT 'store-lng-03', 'ord-elsewhere' FROM generate_series(1, 30)`);
    const refused = await confirm(as.lngStaff03, id, code);
    expect(refused.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect(refused.userErrors[0]!.message).toContain('too many wrong pickup codes at this store');
    await g.orders.db.query(`DELETE FROM orders.pickup_failure WHERE order_id = 'ord-elsewhere'`);
    expect((await confirm(as.lngStaff03, id, code)).order?.status).toBe('COMPLETED');
  });

  it('is done by the pickup store, not by another store, a guide or the member', async () => {
    const { id, code } = await paidOrder();
    expect((await confirm(as.lngStaff04, id, code)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect((await confirm(as.lngGuide031, id, code)).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((await confirm(as.lngMember7, id, code)).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
  });
});

describe('who sees the pickup code', () => {
  it('the member and the pickup store staff; nobody else, not even the brand or the franchisee', async () => {
    const { id, code } = await paidOrder();
    const q = `query($id: ID!) { order(id: $id) { id fulfillment { pickupCode } } }`;
    const seen = async (viewer: Viewer) => (await g.orders.data<{ order: { fulfillment: { pickupCode: string | null } } | null }>(viewer, q, { id })).order?.fulfillment.pickupCode;
    expect(await seen(as.lngMember7)).toBe(code);
    expect(await seen(as.lngStaff03)).toBe(code);
    expect(await seen(as.lngAdmin)).toBeNull();
    expect(await seen(as.lngFranchiseeA)).toBeNull();
    expect(await seen(as.lngGuide031)).toBeNull();
    expect(await seen(as.platform)).toBeNull();
    const list = await g.orders.data<{ orders: { edges: { node: { id: string; fulfillment: { pickupCode: string | null } } }[] } }>(
      as.lngAdmin,
      `{ orders(first: 100) { edges { node { id fulfillment { pickupCode } } } } }`,
    );
    expect(list.orders.edges.every((e) => e.node.fulfillment.pickupCode === null)).toBe(true);
  });
});
