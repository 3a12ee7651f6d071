import { errorCodes } from '@retail/platform/testing';
import { applyPaymentSucceeded } from '../src/events/payment-succeeded';
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

async function newOrder(viewer: Parameters<OrdersUnderTest['orders']['gql']>[0] = as.lngMember7, extra: Record<string, unknown> = {}): Promise<PlacedOrder> {
  const res = (await g.orders.gql(viewer, PLACE, { input: pickupInput([{ skuId: SKU, quantity: 1 }], extra) })) as Payload<'placeOrder', PlacedOrder>;
  expect(res.data?.placeOrder.userErrors).toEqual([]);
  return res.data!.placeOrder.order!;
}

const CASH = `mutation($input: RecordCashPaymentInput!) { recordCashPayment(input: $input) {
  order { id status paidAt paidTotal { amount } payments { provider providerTransactionId amount { amount currency } paidAt } fulfillment { pickedUpAt } }
  userErrors { code field message } } }`;
const PAID = `mutation($input: MarkOrderPaidInput!) { markOrderPaid(input: $input) { order { id status paidTotal { amount } payments { provider providerTransactionId } } userErrors { code field message } } }`;

interface PaidOrder {
  id: string;
  status: string;
  paidAt: string | null;
  paidTotal: { amount: string };
  payments: { provider: string; providerTransactionId: string | null; amount: { amount: string; currency: string }; paidAt: string }[];
  fulfillment: { pickedUpAt: string | null };
}
const cash = (viewer: Parameters<OrdersUnderTest['orders']['gql']>[0], orderId: string, amount: string, idempotencyKey = key('cash')) =>
  g.orders.gql(viewer, CASH, { input: { idempotencyKey, orderId, amount: { amount, currency: 'CNY' } } }) as Promise<Payload<'recordCashPayment', PaidOrder>>;
const codes = (res: Payload<string, unknown>) => {
  expect(res.errors).toBeUndefined();
  return Object.values(res.data!)[0]!.userErrors.map((e) => e.code);
};
const statusOf = async (id: string) => (await g.orders.db.query<{ status: string }>(`SELECT status FROM orders."order" WHERE id = $1`, [id]))[0]!.status;

describe('recordCashPayment', () => {
  it('refuses an amount that is not what is due, and records nothing', async () => {
    const order = await newOrder();
    expect(codes(await cash(as.lngStaff03, order.id, '298.00'))).toEqual(['PAYMENT_AMOUNT_MISMATCH']);
    expect(codes(await cash(as.lngStaff03, order.id, '300.00'))).toEqual(['PAYMENT_AMOUNT_MISMATCH']);
    expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');
    expect(await g.orders.db.query(`SELECT 1 FROM orders.payment WHERE order_id = $1`, [order.id])).toEqual([]);
  });

  it('pays the order in full, publishes orders.order.paid in the same transaction, and replays by key', async () => {
    const order = await newOrder();
    const k = key('cash');
    const first = await cash(as.lngStaff03, order.id, '299.00', k);
    expect(first.data!.recordCashPayment.userErrors).toEqual([]);
    const paid = first.data!.recordCashPayment.order!;
    expect(paid).toMatchObject({ status: 'PAID', paidTotal: { amount: '299.00' } });
    expect(paid.payments).toEqual([{ provider: 'CASH', providerTransactionId: null, amount: { amount: '299.00', currency: 'CNY' }, paidAt: expect.any(String) }]);
    const again = await cash(as.lngStaff03, order.id, '299.00', k);
    expect(again.data!.recordCashPayment.order!.payments).toHaveLength(1);
    // A second payment under another key: the order no longer awaits payment.
    expect(codes(await cash(as.lngStaff03, order.id, '299.00'))).toEqual(['INVALID_TRANSITION']);
    const events = (await outboxPayloads<{ orderId: string }>(g.orders, 'orders.order.paid')).filter((e) => e.orderId === order.id);
    expect(events).toEqual([
      {
        orderId: order.id,
        brandId: 'brand-lng',
        storeId: 'store-lng-03',
        franchiseeId: 'fr-lng-a',
        memberId: 'mem-lng-0007',
        guideId: 'gd-lng-03-1',
        channel: 'WECHAT_MINIPROGRAM',
        fulfillment: 'STORE_PICKUP',
        inStore: false,
        totalFen: 29900,
        paidFen: 29900,
        currency: 'CNY',
        placedAt: expect.any(String),
        paidAt: paid.paidAt,
        // the member as members answered at order time (memberFacts): points fences by home store, earns by tier
        memberHomeStoreId: 'store-lng-03',
        tierCode: 'MEMBER',
      },
    ]);
  });

  it('is taken by the store, its operator or the brand: not by a guide, a member, or another store', async () => {
    const order = await newOrder();
    expect(codes(await cash(as.lngGuide031, order.id, '299.00'))).toEqual(['FORBIDDEN']);
    expect(codes(await cash(as.lngMember7, order.id, '299.00'))).toEqual(['FORBIDDEN']);
    expect(codes(await cash(as.lngStaff04, order.id, '299.00'))).toEqual(['NOT_FOUND']);
    expect(codes(await cash(as.lngFranchiseeB, order.id, '299.00'))).toEqual(['NOT_FOUND']);
    expect(codes(await cash(as.lngFranchiseeA, order.id, '299.00'))).toEqual([]);
  });

  it('completes a sale at the till when paid, consumes its units and publishes orders.order.completed', async () => {
    const before = await stockOf(g.products, 'store-lng-03', SKU);
    const order = await newOrder(as.lngStaff03, { channel: 'POS', memberId: null });
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });
    const res = await cash(as.lngStaff03, order.id, '299.00');
    expect(res.data!.recordCashPayment.order).toMatchObject({ status: 'COMPLETED', fulfillment: { pickedUpAt: expect.any(String) } });
    expect(await stockOf(g.products, 'store-lng-03', SKU)).toEqual({ onHand: before.onHand - 1, reserved: before.reserved });
    const completed = (await outboxPayloads<{ orderId: string }>(g.orders, 'orders.order.completed')).filter((e) => e.orderId === order.id);
    expect(completed).toEqual([{ orderId: order.id, brandId: 'brand-lng', storeId: 'store-lng-03', memberId: null, completedAt: expect.any(String) }]);
    const paid = (await outboxPayloads<{ orderId: string; inStore: boolean }>(g.orders, 'orders.order.paid')).filter((e) => e.orderId === order.id);
    expect(paid.map((e) => e.inStore)).toEqual([true]);
    const state = await g.orders.db.query<{ s: string }>(`SELECT reservation_state AS s FROM orders."order" WHERE id = $1`, [order.id]);
    expect(state[0]!.s).toBe('CONSUMED');
  });
});

describe('markOrderPaid (internal)', () => {
  it('is for SERVICE callers only', async () => {
    const order = await newOrder();
    const input = { idempotencyKey: key(), orderId: order.id, provider: 'WECHAT_PAY', providerTransactionId: 'wx-1', amount: { amount: '299.00', currency: 'CNY' }, paidAt: new Date().toISOString() };
    expect(errorCodes(await g.orders.gql(as.lngAdmin, PAID, { input }))).toEqual(['FORBIDDEN']);
    const ok = await g.orders.data<{ markOrderPaid: { order: { status: string; payments: unknown[] } } }>(as.service, PAID, { input });
    expect(ok.markOrderPaid.order.status).toBe('PAID');
    // The same provider transaction again, under another key: no second payment.
    const again = await g.orders.data<{ markOrderPaid: { order: { payments: unknown[] }; userErrors: unknown[] } }>(as.service, PAID, { input: { ...input, idempotencyKey: key() } });
    expect([again.markOrderPaid.userErrors, again.markOrderPaid.order.payments.length]).toEqual([[], 1]);
    const wrong = await g.orders.data<{ markOrderPaid: { userErrors: { code: string }[] } }>(as.service, PAID, {
      input: { ...input, idempotencyKey: key(), orderId: (await newOrder()).id, providerTransactionId: 'wx-2', amount: { amount: '1.00', currency: 'CNY' } },
    });
    expect(wrong.markOrderPaid.userErrors.map((e) => e.code)).toEqual(['PAYMENT_AMOUNT_MISMATCH']);
  });
});

describe('channels.payment.succeeded', () => {
  const event = (orderId: string, providerTradeNo: string, amountFen: number) => ({
    eventId: `ev-${providerTradeNo}`,
    connectionId: 'conn-1',
    provider: 'ALIPAY' as const,
    orderId,
    providerTradeNo,
    amountFen,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
  });

  it('pays the order once; a second event for the same provider transaction has no second effect', async () => {
    const order = await newOrder();
    await g.orders.db.transaction((tx) => applyPaymentSucceeded(tx, event(order.id, 'ali-100', 29900)));
    await g.orders.db.transaction((tx) => applyPaymentSucceeded(tx, { ...event(order.id, 'ali-100', 29900), eventId: 'ev-redelivered' }));
    expect(await statusOf(order.id)).toBe('PAID');
    const payments = await g.orders.db.query(`SELECT provider_transaction_id FROM orders.payment WHERE order_id = $1`, [order.id]);
    expect(payments).toEqual([{ provider_transaction_id: 'ali-100' }]);
    expect((await outboxPayloads<{ orderId: string }>(g.orders, 'orders.order.paid')).filter((e) => e.orderId === order.id)).toHaveLength(1);
  });

  it('records a mismatching payment and leaves the order unpaid', async () => {
    const order = await newOrder();
    await g.orders.db.transaction((tx) => applyPaymentSucceeded(tx, event(order.id, 'ali-200', 100)));
    await g.orders.db.transaction((tx) => applyPaymentSucceeded(tx, event(order.id, 'ali-200', 100)));
    expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');
    const mismatches = await g.orders.db.query<{ order_id: string; amount_fen: number }>(`SELECT order_id, amount_fen FROM orders.payment_mismatch WHERE provider_transaction_id = 'ali-200'`);
    expect(mismatches).toEqual([{ order_id: order.id, amount_fen: 100 }]);
  });

  it('refuses a payload without what it needs (the event is redelivered and reported)', async () => {
    await expect(g.orders.db.transaction((tx) => applyPaymentSucceeded(tx, { ...event('ord-x', 'ali-300', 1), providerTradeNo: '' }))).rejects.toThrow(/payload needs/);
  });
});
