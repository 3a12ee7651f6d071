import { SUBGRAPHS } from '@retail/graph';
import { errorCodes, peersTo, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { UserErrorException } from '@retail/platform';
import { ordersSubgraph } from '../src';
import { assertRefundAmount, checkRefundLines, restockLines, statusAfterRefund } from '../src/domain/refund-rules';
import { applyRefundFailed } from '../src/events/refund-failed';
import { applyRefundSucceeded } from '../src/events/refund-succeeded';
import { returnRefundedStockJob } from '../src/jobs/return-refunded-stock';
import { as } from './callers';
import { insertOrders, lineId, outboxPayloads } from './order-fixtures';

const codesOf = (f: () => void): string[] => {
  try {
    f();
    return [];
  } catch (e) {
    if (e instanceof UserErrorException) return e.errors.map((x) => x.code);
    throw e;
  }
};

describe('refund rules (domain)', () => {
  it('refuses more than paid less refunded and pending', () => {
    expect(codesOf(() => assertRefundAmount(5000, { paidFen: 10000, refundedFen: 3000, pendingFen: 2000 }))).toEqual([]);
    expect(codesOf(() => assertRefundAmount(5001, { paidFen: 10000, refundedFen: 3000, pendingFen: 2000 }))).toEqual(['REFUND_EXCEEDS_PAID']);
    expect(codesOf(() => assertRefundAmount(0, { paidFen: 10000, refundedFen: 0, pendingFen: 0 }))).toEqual(['INVALID_INPUT']);
  });
  it('checks returned lines against what is left of each', () => {
    const lines = [{ id: 'l1', skuId: 's1', quantity: 3, refundedQuantity: 1 }];
    expect(codesOf(() => checkRefundLines([{ lineId: 'l1', quantity: 2, restock: true }], lines))).toEqual([]);
    expect(codesOf(() => checkRefundLines([{ lineId: 'l1', quantity: 3, restock: true }], lines))).toEqual(['INVALID_INPUT']);
    expect(codesOf(() => checkRefundLines([{ lineId: 'nope', quantity: 1, restock: true }], lines))).toEqual(['NOT_FOUND']);
    expect(codesOf(() => checkRefundLines([{ lineId: 'l1', quantity: 1, restock: true }, { lineId: 'l1', quantity: 1, restock: true }], lines))).toEqual(['INVALID_INPUT']);
  });
  it('names the status after a refund: partial, in full before fulfilment (CANCELLED), after (REFUNDED)', () => {
    expect(statusAfterRefund(10000, 4000, false)).toBe('PARTIALLY_REFUNDED');
    expect(statusAfterRefund(10000, 10000, false)).toBe('CANCELLED');
    expect(statusAfterRefund(10000, 10000, true)).toBe('REFUNDED');
  });
  it('restocks only uncollected pickup lines asked for, everything left on a refund in full', () => {
    const lines = [
      { id: 'l1', skuId: 's1', quantity: 3, refundedQuantity: 1 },
      { id: 'l2', skuId: 's2', quantity: 1, refundedQuantity: 0 },
      { id: 'l3', skuId: null, quantity: 1, refundedQuantity: 0 },
    ];
    const requested = [{ lineId: 'l1', quantity: 1, restock: true }, { lineId: 'l2', quantity: 1, restock: false }];
    expect(restockLines({ pickupUncollected: true, fullRefund: false, requested, lines })).toEqual([{ skuId: 's1', quantity: 1 }]);
    expect(restockLines({ pickupUncollected: true, fullRefund: true, requested: [], lines })).toEqual([{ skuId: 's1', quantity: 2 }, { skuId: 's2', quantity: 1 }]);
    expect(restockLines({ pickupUncollected: false, fullRefund: true, requested, lines })).toEqual([]);
  });
});

const products = SUBGRAPHS.find((s) => s.name === 'products')!;
let p: SubgraphHarness;
let h: SubgraphHarness;
beforeAll(async () => {
  p = await startSubgraphForTest(products);
  h = await startSubgraphForTest(ordersSubgraph, { peers: peersTo({ products: p.url }) });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await p?.close();
});

const REFUND = `mutation($input: RefundOrderInput!) { refundOrder(input: $input) {
  order { id status paidTotal { amount } refundedTotal { amount } lines { id refundedQuantity } refunds { id status amount { amount } } }
  refund { id status amount { amount currency } reason completedAt }
  userErrors { code field message } } }`;

interface RefundOut {
  refundOrder: {
    order: { id: string; status: string; paidTotal: { amount: string }; refundedTotal: { amount: string }; lines: { id: string; refundedQuantity: number }[]; refunds: { id: string; status: string }[] } | null;
    refund: { id: string; status: string; amount: { amount: string; currency: string }; reason: string | null; completedAt: string | null } | null;
    userErrors: { code: string; field: string[] | null; message: string }[];
  };
}

let seq = 0;
const refund = async (viewer: Parameters<SubgraphHarness['gql']>[0], orderId: string, amount: string, extra: Record<string, unknown> = {}) => {
  const res = await h.gql<RefundOut>(viewer, REFUND, { input: { idempotencyKey: `k-${++seq}`, orderId, amount: { amount, currency: 'CNY' }, ...extra } });
  expect(res.errors).toBeUndefined();
  return res.data!.refundOrder;
};

/** A paid CASH order of 100.00 (2 × 30.00 + 1 × 40.00) at store-lng-03 (fr-lng-a). */
const cashOrder = (id: string, extra: Partial<Parameters<typeof insertOrders>[1][number]> = {}) =>
  insertOrders(h.db, [{ id, channel: 'POS', lines: [{ quantity: 2, unitPriceFen: 3000 }, { quantity: 1, unitPriceFen: 4000 }], ...extra }]);

describe('refundOrder', () => {
  it('refuses a refund larger than what was paid, and changes nothing', async () => {
    await cashOrder('ord-r-big');
    const out = await refund(as.lngAdmin, 'ord-r-big', '100.01');
    expect(out.userErrors.map((e) => e.code)).toEqual(['REFUND_EXCEEDS_PAID']);
    expect(out.refund).toBeNull();
    const d = await h.data<{ order: { refundedTotal: { amount: string }; refunds: unknown[]; status: string } }>(as.lngAdmin, `{ order(id: "ord-r-big") { status refundedTotal { amount } refunds { id } } }`);
    expect(d.order).toEqual({ status: 'PAID', refundedTotal: { amount: '0.00' }, refunds: [] });
  });

  it('a CASH refund succeeds at once: partial, then the rest; the order goes PARTIALLY_REFUNDED, then CANCELLED (not fulfilled)', async () => {
    await cashOrder('ord-r-cash');
    const first = await refund(as.lngStaff03, 'ord-r-cash', '30.00', { reason: '尺码不合适', lines: [{ lineId: lineId('ord-r-cash', 0), quantity: 1, restock: false }] });
    expect(first.userErrors).toEqual([]);
    expect(first.refund).toMatchObject({ status: 'SUCCEEDED', amount: { amount: '30.00', currency: 'CNY' }, reason: '尺码不合适' });
    expect(first.refund!.completedAt).not.toBeNull();
    expect(first.order).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedTotal: { amount: '30.00' } });
    expect(first.order!.lines.map((l) => l.refundedQuantity)).toEqual([1, 0]);
    const rest = await refund(as.lngFranchiseeA, 'ord-r-cash', '70.00');
    expect(rest.order).toMatchObject({ status: 'CANCELLED', refundedTotal: { amount: '100.00' } });
    expect((await refund(as.lngAdmin, 'ord-r-cash', '0.01')).userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
    const events = await outboxPayloads(h.db, 'orders.order.refunded', 'ord-r-cash');
    expect(events).toEqual([
      expect.objectContaining({ orderId: 'ord-r-cash', refundId: first.refund!.id, brandId: 'brand-lng', storeId: 'store-lng-03', amountFen: 3000, refundedFen: 3000, paidFen: 10000, currency: 'CNY', fullyRefunded: false }),
      expect.objectContaining({ orderId: 'ord-r-cash', refundId: rest.refund!.id, amountFen: 7000, refundedFen: 10000, fullyRefunded: true }),
    ]);
  });

  it('a refund in full after fulfilment leaves the order REFUNDED', async () => {
    await cashOrder('ord-r-done', { status: 'COMPLETED' });
    expect((await refund(as.lngAdmin, 'ord-r-done', '100.00')).order!.status).toBe('REFUNDED');
  });

  it('10 parallel refunds of 30% each never refund more than was paid: exactly 3 succeed', async () => {
    await cashOrder('ord-r-par');
    const outs = await Promise.all(Array.from({ length: 10 }, () => refund(as.lngAdmin, 'ord-r-par', '30.00')));
    const ok = outs.filter((o) => o.userErrors.length === 0);
    expect(ok).toHaveLength(3);
    expect(outs.filter((o) => o.userErrors.length > 0).map((o) => o.userErrors[0]!.code)).toEqual(Array(7).fill('REFUND_EXCEEDS_PAID'));
    const d = await h.data<{ order: { refundedTotal: { amount: string }; refunds: { status: string }[] } }>(as.lngAdmin, `{ order(id: "ord-r-par") { refundedTotal { amount } refunds { status } } }`);
    expect(d.order.refundedTotal.amount).toBe('90.00');
    expect(d.order.refunds).toHaveLength(3);
  });

  it('parallel online refunds count PENDING ones against what is left, so they never exceed paid either', async () => {
    await cashOrder('ord-r-par-online', { channel: 'WECHAT_MINIPROGRAM', provider: 'WECHAT_PAY' });
    const outs = await Promise.all(Array.from({ length: 10 }, () => refund(as.lngAdmin, 'ord-r-par-online', '30.00')));
    expect(outs.filter((o) => o.userErrors.length === 0).map((o) => o.refund!.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    const [row] = await h.db.query<{ sum: number }>(`SELECT sum(amount_fen)::int AS sum FROM orders.refund WHERE order_id = 'ord-r-par-online'`);
    expect(row!.sum).toBe(9000);
  });

  it('replaying an idempotencyKey returns the same refund; another request under it is IDEMPOTENCY_KEY_REUSED', async () => {
    await cashOrder('ord-r-replay');
    const input = { idempotencyKey: 'replay-1', orderId: 'ord-r-replay', amount: { amount: '40.00', currency: 'CNY' }, lines: [{ lineId: lineId('ord-r-replay', 1), quantity: 1, restock: false }] };
    const a = (await h.data<RefundOut>(as.lngAdmin, REFUND, { input })).refundOrder;
    const b = (await h.data<RefundOut>(as.lngAdmin, REFUND, { input })).refundOrder;
    expect(a.userErrors).toEqual([]);
    expect(b.userErrors).toEqual([]);
    expect(b.refund!.id).toBe(a.refund!.id);
    expect(b.order!.refundedTotal.amount).toBe('40.00');
    const other = (await h.data<RefundOut>(as.lngAdmin, REFUND, { input: { ...input, amount: { amount: '41.00', currency: 'CNY' } } })).refundOrder;
    expect(other.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('checks lines, currency and status, each with its field', async () => {
    await cashOrder('ord-r-lines');
    const tooMany = await refund(as.lngAdmin, 'ord-r-lines', '10.00', { lines: [{ lineId: lineId('ord-r-lines', 1), quantity: 2, restock: true }] });
    expect(tooMany.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'lines', '0', 'quantity'] })]);
    const unknown = await refund(as.lngAdmin, 'ord-r-lines', '10.00', { lines: [{ lineId: 'ord-other-l1', quantity: 1, restock: true }] });
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'lineId'] })]);
    const usd = await h.data<RefundOut>(as.lngAdmin, REFUND, { input: { idempotencyKey: 'usd', orderId: 'ord-r-lines', amount: { amount: '1.00', currency: 'USD' } } });
    expect(usd.refundOrder.userErrors.map((e) => e.code)).toEqual(['CURRENCY_MISMATCH']);
    await insertOrders(h.db, [{ id: 'ord-r-unpaid', status: 'PENDING_PAYMENT', lines: [{ quantity: 1, unitPriceFen: 1000 }] }]);
    expect((await refund(as.lngAdmin, 'ord-r-unpaid', '1.00')).userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
    const bad = await refund(as.lngAdmin, 'ord-r-lines', '1.001');
    expect(bad.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'amount', 'amount'] })]);
  });

  it('is fenced: guides, members and partners may not refund; other stores and operators do not find the order', async () => {
    await cashOrder('ord-r-fence', { guideId: 'gd-lng-03-1', memberId: 'mem-lng-0001' });
    for (const viewer of [as.lngGuide031, as.lngMember1, as.partner]) {
      expect((await refund(viewer, 'ord-r-fence', '1.00')).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    }
    for (const viewer of [as.lngFranchiseeB, as.lngStaff04, as.csmAdmin]) {
      expect((await refund(viewer, 'ord-r-fence', '1.00')).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    }
    expect(errorCodes(await h.gql(as.anonymous, REFUND, { input: { idempotencyKey: 'a', orderId: 'ord-r-fence', amount: { amount: '1.00', currency: 'CNY' } } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('an online refund stays PENDING until channels.refund.succeeded, which completes it once', async () => {
    await cashOrder('ord-r-online', { channel: 'ALIPAY_MINIPROGRAM', provider: 'ALIPAY' });
    const out = await refund(as.lngAdmin, 'ord-r-online', '25.00');
    expect(out.refund).toMatchObject({ status: 'PENDING', completedAt: null });
    expect(out.order).toMatchObject({ status: 'PAID', refundedTotal: { amount: '0.00' } });
    expect(await outboxPayloads(h.db, 'orders.order.refunded', 'ord-r-online')).toEqual([]);
    expect(await outboxPayloads(h.db, 'orders.refund.requested', 'ord-r-online')).toEqual([
      expect.objectContaining({ refundId: out.refund!.id, orderId: 'ord-r-online', brandId: 'brand-lng', provider: 'ALIPAY', providerTransactionId: 'tx-ord-r-online', amountFen: 2500, paidFen: 10000, currency: 'CNY' }),
    ]);
    const event = { eventId: 'e1', connectionId: 'conn-1', provider: 'ALIPAY', orderId: 'ord-r-online', providerRefundNo: 'ali-rf-1', amountFen: 2500, currency: 'CNY', refundedAt: '2026-01-05T10:00:00+08:00' };
    await h.db.transaction((tx) => applyRefundSucceeded(tx, event));
    await h.db.transaction((tx) => applyRefundSucceeded(tx, { ...event, eventId: 'e2' }));
    const d = await h.data<{ order: { status: string; refundedTotal: { amount: string }; refunds: { id: string; status: string; completedAt: string }[] } }>(
      as.lngAdmin,
      `{ order(id: "ord-r-online") { status refundedTotal { amount } refunds { id status completedAt } } }`,
    );
    expect(d.order).toEqual({ status: 'PARTIALLY_REFUNDED', refundedTotal: { amount: '25.00' }, refunds: [{ id: out.refund!.id, status: 'SUCCEEDED', completedAt: '2026-01-05T02:00:00.000Z' }] });
    expect(await outboxPayloads(h.db, 'orders.order.refunded', 'ord-r-online')).toEqual([expect.objectContaining({ refundId: out.refund!.id, amountFen: 2500, refundedFen: 2500, fullyRefunded: false })]);
  });

  it('a refund made at the provider directly is recorded when it fits what is left', async () => {
    await cashOrder('ord-r-direct', { channel: 'WECHAT_MINIPROGRAM', provider: 'WECHAT_PAY' });
    const base = { eventId: 'e', connectionId: 'c', provider: 'WECHAT_PAY', orderId: 'ord-r-direct', currency: 'CNY', refundedAt: '2026-01-06T10:00:00Z' };
    await h.db.transaction((tx) => applyRefundSucceeded(tx, { ...base, providerRefundNo: 'wx-1', amountFen: 10001 }));
    await h.db.transaction((tx) => applyRefundSucceeded(tx, { ...base, providerRefundNo: 'wx-2', amountFen: 1000 }));
    const rows = await h.db.query<{ amount_fen: number; status: string }>(`SELECT amount_fen, status FROM orders.refund WHERE order_id = 'ord-r-direct'`);
    expect(rows).toEqual([{ amount_fen: 1000, status: 'SUCCEEDED' }]);
  });

  it('channels.refund.failed makes a PENDING refund FAILED once: its units come back and the same amount can be refunded again', async () => {
    await cashOrder('ord-r-refused', { channel: 'WECHAT_MINIPROGRAM', provider: 'WECHAT_PAY' });
    const l1 = lineId('ord-r-refused', 0);
    const out = await refund(as.lngAdmin, 'ord-r-refused', '100.00', { lines: [{ lineId: l1, quantity: 2, restock: false }] });
    expect(out.refund).toMatchObject({ status: 'PENDING' });
    expect(out.order!.lines.find((l) => l.id === l1)!.refundedQuantity).toBe(2);
    // While it is PENDING nothing more may be refunded.
    expect((await refund(as.lngAdmin, 'ord-r-refused', '0.01')).userErrors.map((e) => e.code)).toEqual(['REFUND_EXCEEDS_PAID']);
    const event = { eventId: 'f1', connectionId: 'conn-1', provider: 'WECHAT_PAY', orderId: 'ord-r-refused', refundId: out.refund!.id, reason: 'WeChat Pay refund status ABNORMAL', failedAt: '2026-01-07T10:00:00+08:00' };
    await h.db.transaction((tx) => applyRefundFailed(tx, event));
    await h.db.transaction((tx) => applyRefundFailed(tx, { ...event, eventId: 'f2' }));
    const d = await h.data<{ order: { status: string; refundedTotal: { amount: string }; lines: { id: string; refundedQuantity: number }[]; refunds: { id: string; status: string; completedAt: string }[] } }>(
      as.lngAdmin,
      `{ order(id: "ord-r-refused") { status refundedTotal { amount } lines { id refundedQuantity } refunds { id status completedAt failureReason restock { state } } } }`,
    );
    expect(d.order.status).toBe('PAID');
    expect(d.order.refundedTotal).toEqual({ amount: '0.00' });
    expect(d.order.lines.map((l) => l.refundedQuantity)).toEqual([0, 0]);
    // The provider's reason is kept with the refund, for staff (a delivery order: no stock to put back).
    expect(d.order.refunds).toEqual([{ id: out.refund!.id, status: 'FAILED', completedAt: '2026-01-07T02:00:00.000Z', failureReason: 'WeChat Pay refund status ABNORMAL', restock: null }]);
    expect(await outboxPayloads(h.db, 'orders.order.refunded', 'ord-r-refused')).toEqual([]);
    const again = await refund(as.lngAdmin, 'ord-r-refused', '100.00', { lines: [{ lineId: l1, quantity: 2, restock: false }] });
    expect(again.userErrors).toEqual([]);
    expect(again.refund).toMatchObject({ status: 'PENDING', amount: { amount: '100.00', currency: 'CNY' } });
    expect(again.order!.lines.find((l) => l.id === l1)!.refundedQuantity).toBe(2);
    // The refused one applied again still changes nothing: the new PENDING refund stays.
    await h.db.transaction((tx) => applyRefundFailed(tx, { ...event, eventId: 'f3' }));
    const rows = await h.db.query<{ id: string; status: string }>(`SELECT id, status FROM orders.refund WHERE order_id = 'ord-r-refused' ORDER BY requested_at, id`);
    expect(rows).toEqual([{ id: out.refund!.id, status: 'FAILED' }, { id: again.refund!.id, status: 'PENDING' }]);
  });

  it('refuses a channels.refund.failed payload without refundId or failedAt (redelivered and reported)', async () => {
    await expect(h.db.transaction((tx) => applyRefundFailed(tx, { orderId: 'ord-r-refused', refundId: '', failedAt: '2026-01-07T10:00:00Z' }))).rejects.toThrow(/refundId/);
    await expect(h.db.transaction((tx) => applyRefundFailed(tx, { orderId: 'ord-r-refused', refundId: 'rfd-x', failedAt: 'soon' }))).rejects.toThrow(/failedAt/);
  });

  it('Order.refunds of a list costs the same statements for 5 orders as for 50', async () => {
    const q = `query($n: Int) { orders(first: $n) { edges { node { id refunds { id status amount { amount } } } } } }`;
    const five = await h.countStatements(as.lngAdmin, q, { n: 5 });
    const fifty = await h.countStatements(as.lngAdmin, q, { n: 50 });
    expect(five.res.errors).toBeUndefined();
    const listed = (fifty.res.data as { orders: { edges: { node: { refunds: unknown[] } }[] } }).orders.edges;
    expect(listed.length).toBeGreaterThan(5);
    expect(listed.some((e) => e.node.refunds.length > 0)).toBe(true);
    expect(fifty.statements).toBe(five.statements);
  });

  describe('stock of a store-pickup order not collected', () => {
    const STORE = 'store-lng-03';
    const SKU_A = 'sku-lng-br-2403-wh-70b';
    const SKU_B = 'sku-lng-br-2403-wh-75b';
    const stock = async (skuId: string) =>
      (await p.db.query<{ on_hand: number; reserved: number }>('SELECT on_hand, reserved FROM products.stock WHERE store_id = $1 AND sku_id = $2', [STORE, skuId]))[0]!;
    const reserve = async (orderId: string) => {
      await p.db.query(`UPDATE products.stock SET on_hand = 10, reserved = 0 WHERE store_id = $1 AND sku_id = ANY($2::text[])`, [STORE, [SKU_A, SKU_B]]);
      const d = await p.data<{ reserveStock: { reservation: { id: string }; userErrors: unknown[] } }>(
        as.service,
        `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { reservation { id } userErrors { code } } }`,
        { input: { idempotencyKey: `res-${orderId}`, storeId: STORE, orderId, lines: [{ skuId: SKU_A, quantity: 2 }, { skuId: SKU_B, quantity: 1 }], expiresAt: new Date(Date.now() + 86_400_000).toISOString() } },
      );
      expect(d.reserveStock.userErrors).toEqual([]);
      return d.reserveStock.reservation.id;
    };
    const pickupOrder = async (id: string, reservationId: string, provider: 'CASH' | 'WECHAT_PAY' = 'CASH') =>
      insertOrders(h.db, [{ id, pickup: true, reservationId, storeId: STORE, provider, lines: [{ skuId: SKU_A, quantity: 2, unitPriceFen: 3000 }, { skuId: SKU_B, quantity: 1, unitPriceFen: 4000 }] }]);
    const REFUNDS = `query($id: ID!) { order(id: $id) { status refunds { id status failureReason restock { state lines { sku { id } quantity } } } } }`;
    type Refunds = { order: { status: string; refunds: { id: string; status: string; failureReason: string | null; restock: { state: string; lines: { sku: { id: string }; quantity: number }[] } | null }[] } };
    const refundsOf = async (orderId: string) => (await h.data<Refunds>(as.lngAdmin, REFUNDS, { id: orderId })).order;
    const reservationStateOf = async (orderId: string) => (await h.db.query<{ s: string }>(`SELECT reservation_state AS s FROM orders."order" WHERE id = $1`, [orderId]))[0]!.s;
    const refused = (orderId: string, refundId: string, eventId = 'f') => ({ eventId, connectionId: 'conn-wx', provider: 'WECHAT_PAY', orderId, refundId, reason: 'REFUND.ABNORMAL: 用户银行卡已注销', failedAt: '2026-01-08T10:00:00+08:00' });
    const confirmed = (orderId: string, refundId: string, amountFen: number) => ({ eventId: 's', connectionId: 'conn-wx', provider: 'WECHAT_PAY', orderId, refundId, providerRefundNo: `wx-${refundId}`, amountFen, currency: 'CNY', refundedAt: '2026-01-08T10:00:00+08:00' });
    const CONFIRM = `mutation($input: ConfirmPickupInput!) { confirmPickup(input: $input) { order { status } userErrors { code } } }`;

    it('a refunded line asked to be restocked goes back; other lines stay reserved', async () => {
      const reservationId = await reserve('ord-r-pick');
      await pickupOrder('ord-r-pick', reservationId);
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 2 });
      const out = await refund(as.lngStaff03, 'ord-r-pick', '30.00', { lines: [{ lineId: lineId('ord-r-pick', 0), quantity: 1, restock: true }, { lineId: lineId('ord-r-pick', 1), quantity: 1, restock: false }] });
      expect(out.userErrors).toEqual([]);
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 1 });
      expect(await stock(SKU_B)).toEqual({ on_hand: 10, reserved: 1 });
      const [order] = await h.db.query<{ reservation_state: string }>(`SELECT reservation_state FROM orders."order" WHERE id = 'ord-r-pick'`);
      expect(order!.reservation_state).toBe('HELD');
      expect((await refundsOf('ord-r-pick')).refunds).toEqual([{ id: out.refund!.id, status: 'SUCCEEDED', failureReason: null, restock: { state: 'RETURNED', lines: [{ sku: { id: SKU_A }, quantity: 1 }] } }]);
    });

    it('an online refund keeps the units reserved until the provider confirms it; the job then puts them back, once', async () => {
      const reservationId = await reserve('ord-r-pick-wx');
      await pickupOrder('ord-r-pick-wx', reservationId, 'WECHAT_PAY');
      const out = await refund(as.lngStaff03, 'ord-r-pick-wx', '30.00', { lines: [{ lineId: lineId('ord-r-pick-wx', 0), quantity: 1, restock: true }] });
      expect(out.refund).toMatchObject({ status: 'PENDING' });
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 2 });
      expect((await refundsOf('ord-r-pick-wx')).refunds[0]!.restock).toEqual({ state: 'WAITING', lines: [{ sku: { id: SKU_A }, quantity: 1 }] });
      await h.db.transaction((tx) => applyRefundSucceeded(tx, confirmed('ord-r-pick-wx', out.refund!.id, 3000)));
      expect((await refundsOf('ord-r-pick-wx')).refunds[0]).toMatchObject({ status: 'SUCCEEDED', restock: { state: 'DUE' } });
      // Two runners at once: the refund's products key returns the unit once.
      const runs = (await Promise.all([returnRefundedStockJob.run(h.running.deps), returnRefundedStockJob.run(h.running.deps)])) as { returned: number }[];
      expect(runs.reduce((n, r) => n + r.returned, 0)).toBeGreaterThanOrEqual(1);
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 1 });
      expect((await refundsOf('ord-r-pick-wx')).refunds[0]!.restock!.state).toBe('RETURNED');
      expect(await returnRefundedStockJob.run(h.running.deps)).toEqual({ returned: 0, notReturned: 0 });
      await h.db.transaction((tx) => applyRefundSucceeded(tx, { ...confirmed('ord-r-pick-wx', out.refund!.id, 3000), eventId: 's2' }));
      expect(await returnRefundedStockJob.run(h.running.deps)).toEqual({ returned: 0, notReturned: 0 });
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 1 });
      expect(await reservationStateOf('ord-r-pick-wx')).toBe('HELD');
    });

    it('a refund the provider refuses leaves its units reserved for the order (KEPT) with the reason; applied twice, once; the customer still collects them', async () => {
      const reservationId = await reserve('ord-r-pick-refused');
      await pickupOrder('ord-r-pick-refused', reservationId, 'WECHAT_PAY');
      const out = await refund(as.lngStaff03, 'ord-r-pick-refused', '30.00', { lines: [{ lineId: lineId('ord-r-pick-refused', 0), quantity: 1, restock: true }] });
      await h.db.transaction((tx) => applyRefundFailed(tx, refused('ord-r-pick-refused', out.refund!.id)));
      const once = await refundsOf('ord-r-pick-refused');
      expect(once.refunds).toEqual([
        { id: out.refund!.id, status: 'FAILED', failureReason: 'REFUND.ABNORMAL: 用户银行卡已注销', restock: { state: 'KEPT', lines: [{ sku: { id: SKU_A }, quantity: 1 }] } },
      ]);
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 2 });
      await h.db.transaction((tx) => applyRefundFailed(tx, refused('ord-r-pick-refused', out.refund!.id, 'f-again')));
      expect(await refundsOf('ord-r-pick-refused')).toEqual(once);
      expect(await returnRefundedStockJob.run(h.running.deps)).toEqual({ returned: 0, notReturned: 0 });
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 2 });
      const collected = (await h.data<{ confirmPickup: { order: { status: string } | null; userErrors: unknown[] } }>(as.lngStaff03, CONFIRM, { input: { idempotencyKey: 'pick-refused', orderId: 'ord-r-pick-refused', pickupCode: '123456' } })).confirmPickup;
      expect(collected).toEqual({ order: { status: 'COMPLETED' }, userErrors: [] });
      expect(await stock(SKU_A)).toEqual({ on_hand: 8, reserved: 0 });
      expect(await stock(SKU_B)).toEqual({ on_hand: 9, reserved: 0 });
    });

    it('an online refund in full returns the whole reservation once it succeeds, and the order is CANCELLED', async () => {
      const reservationId = await reserve('ord-r-pick-wx-all');
      await pickupOrder('ord-r-pick-wx-all', reservationId, 'WECHAT_PAY');
      const out = await refund(as.lngAdmin, 'ord-r-pick-wx-all', '100.00');
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 2 });
      await h.db.transaction((tx) => applyRefundSucceeded(tx, confirmed('ord-r-pick-wx-all', out.refund!.id, 10000)));
      expect(await returnRefundedStockJob.run(h.running.deps)).toEqual({ returned: 1, notReturned: 0 });
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 0 });
      expect(await stock(SKU_B)).toEqual({ on_hand: 10, reserved: 0 });
      expect(await reservationStateOf('ord-r-pick-wx-all')).toBe('RETURNED');
      const after = await refundsOf('ord-r-pick-wx-all');
      expect(after.status).toBe('CANCELLED');
      expect(after.refunds[0]!.restock).toEqual({ state: 'RETURNED', lines: [{ sku: { id: SKU_A }, quantity: 2 }, { sku: { id: SKU_B }, quantity: 1 }] });
    });

    it('collecting the order while a refund waits for its provider hands over only the rest: the refund’s units go back first; refused afterwards, that is recorded for staff', async () => {
      const reservationId = await reserve('ord-r-pick-early');
      await pickupOrder('ord-r-pick-early', reservationId, 'WECHAT_PAY');
      const out = await refund(as.lngStaff03, 'ord-r-pick-early', '30.00', { lines: [{ lineId: lineId('ord-r-pick-early', 0), quantity: 1, restock: true }] });
      const collected = (await h.data<{ confirmPickup: { order: { status: string } | null; userErrors: unknown[] } }>(as.lngStaff03, CONFIRM, { input: { idempotencyKey: 'pick-early', orderId: 'ord-r-pick-early', pickupCode: '123456' } })).confirmPickup;
      expect(collected.userErrors).toEqual([]);
      // 1 of SKU A back on sale, 1 of A and 1 of B left with the customer.
      expect(await stock(SKU_A)).toEqual({ on_hand: 9, reserved: 0 });
      expect(await stock(SKU_B)).toEqual({ on_hand: 9, reserved: 0 });
      expect((await refundsOf('ord-r-pick-early')).refunds[0]!.restock!.state).toBe('RETURNED');
      await h.db.transaction((tx) => applyRefundFailed(tx, refused('ord-r-pick-early', out.refund!.id)));
      expect((await refundsOf('ord-r-pick-early')).refunds[0]).toMatchObject({ status: 'FAILED', failureReason: 'REFUND.ABNORMAL: 用户银行卡已注销', restock: { state: 'RETURNED_BEFORE_REFUSAL' } });
      expect(await stock(SKU_A)).toEqual({ on_hand: 9, reserved: 0 });
    });

    it('the units left of a partly refunded order are still collected: the order stays PARTIALLY_REFUNDED, the rest of the stock is consumed', async () => {
      const reservationId = await reserve('ord-r-pick-rest');
      await pickupOrder('ord-r-pick-rest', reservationId);
      const out = await refund(as.lngStaff03, 'ord-r-pick-rest', '30.00', { lines: [{ lineId: lineId('ord-r-pick-rest', 0), quantity: 1, restock: true }] });
      expect(out.userErrors).toEqual([]);
      const CONFIRM = `mutation($input: ConfirmPickupInput!) { confirmPickup(input: $input) { order { status fulfillment { pickedUpAt } } userErrors { code } } }`;
      type Confirmed = { confirmPickup: { order: { status: string; fulfillment: { pickedUpAt: string | null } } | null; userErrors: { code: string }[] } };
      const input = { idempotencyKey: 'pick-rest', orderId: 'ord-r-pick-rest', pickupCode: '123456' };
      const done = (await h.data<Confirmed>(as.lngStaff03, CONFIRM, { input })).confirmPickup;
      expect(done.userErrors).toEqual([]);
      expect(done.order).toEqual({ status: 'PARTIALLY_REFUNDED', fulfillment: { pickedUpAt: expect.any(String) } });
      expect(await stock(SKU_A)).toEqual({ on_hand: 9, reserved: 0 });
      expect(await stock(SKU_B)).toEqual({ on_hand: 9, reserved: 0 });
      // collected once: another key finds nothing left to collect
      const again = (await h.data<Confirmed>(as.lngStaff03, CONFIRM, { input: { ...input, idempotencyKey: 'pick-rest-2' } })).confirmPickup;
      expect(again.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);
      expect(await stock(SKU_A)).toEqual({ on_hand: 9, reserved: 0 });
    });

    it('a refund in full returns everything still reserved, once, and the order is CANCELLED', async () => {
      const reservationId = await reserve('ord-r-pick-all');
      await pickupOrder('ord-r-pick-all', reservationId);
      const input = { idempotencyKey: 'pick-all', orderId: 'ord-r-pick-all', amount: { amount: '100.00', currency: 'CNY' } };
      const out = (await h.data<RefundOut>(as.lngAdmin, REFUND, { input })).refundOrder;
      expect(out.order!.status).toBe('CANCELLED');
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 0 });
      expect(await stock(SKU_B)).toEqual({ on_hand: 10, reserved: 0 });
      expect((await h.data<RefundOut>(as.lngAdmin, REFUND, { input })).refundOrder.refund!.id).toBe(out.refund!.id);
      expect(await stock(SKU_A)).toEqual({ on_hand: 10, reserved: 0 });
      const [order] = await h.db.query<{ reservation_state: string }>(`SELECT reservation_state FROM orders."order" WHERE id = 'ord-r-pick-all'`);
      expect(order!.reservation_state).toBe('RETURNED');
    });

    it('a collected order returns no stock', async () => {
      const reservationId = await reserve('ord-r-pick-done');
      await insertOrders(h.db, [{ id: 'ord-r-pick-done', pickup: true, status: 'COMPLETED', pickedUpAt: new Date().toISOString(), reservationId, storeId: STORE, lines: [{ skuId: SKU_A, quantity: 2, unitPriceFen: 3000 }] }]);
      await refund(as.lngAdmin, 'ord-r-pick-done', '30.00', { lines: [{ lineId: lineId('ord-r-pick-done', 0), quantity: 1, restock: true }] });
      expect((await stock(SKU_A)).reserved).toBe(2);
    });
  });
});
