import { startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { UserErrorException } from '@retail/platform';
import { ordersSubgraph } from '../src';
import { commissionFen, splitOfRefund, splitOfSale } from '../src/domain/commission';
import { settlementTotals } from '../src/domain/settlement';
import { takePayment } from '../src/events/payment-received';
import { as } from './callers';
import { insertOrders } from './order-fixtures';
import { DEMO_ORDERS, DEMO_REFUNDS } from '../src/demo';

describe('commission split (domain)', () => {
  it('rounds the commission half up to whole fen, with integers only', () => {
    expect(commissionFen(12345, 1250)).toBe(1543); // 1543.125
    expect(commissionFen(12340, 1250)).toBe(1543); // 1542.5
    expect(commissionFen(3333, 1000)).toBe(333); // 333.3
    expect(commissionFen(5, 1000)).toBe(1); // 0.5
    expect(commissionFen(4, 1000)).toBe(0); // 0.4
    expect(commissionFen(-12340, 1250)).toBe(-1543);
    expect(commissionFen(10000, 0)).toBe(0);
    expect(commissionFen(10000, 10000)).toBe(10000);
    expect(() => commissionFen(100, 10001)).toThrow(UserErrorException);
  });
  it('splits a sale exactly: commission + operator net = gross', () => {
    expect(splitOfSale(12345, 1250)).toEqual({ grossFen: 12345, commissionFen: 1543, operatorNetFen: 10802 });
  });
  it('gives back by refunds, in any parts, exactly the commission the sale booked', () => {
    const sale = splitOfSale(10001, 1250);
    const parts = [3333, 3333, 3335];
    let before = 0;
    const refunds = parts.map((amount) => {
      const r = splitOfRefund(10001, 1250, before, amount);
      before += amount;
      return r;
    });
    expect(refunds.reduce((s, r) => s + r.commissionFen, 0)).toBe(-sale.commissionFen);
    expect(refunds.reduce((s, r) => s + r.operatorNetFen, 0)).toBe(-sale.operatorNetFen);
    for (const r of refunds) expect(r.grossFen).toBe(r.commissionFen + r.operatorNetFen);
    expect(() => splitOfRefund(10001, 1250, 10000, 2)).toThrow();
  });
  it('sums a statement: gross, refunds, commission net of refunds, net owed', () => {
    expect(
      settlementTotals([
        { kind: 'SALE', rows: 2, grossFen: 13333, commissionFen: 1333, operatorNetFen: 12000 },
        { kind: 'REFUND', rows: 1, grossFen: -3000, commissionFen: -300, operatorNetFen: -2700 },
      ]),
    ).toEqual({ orders: 2, grossFen: 13333, refundsFen: 3000, commissionFen: 1033, netOwedFen: 9300 });
    expect(settlementTotals([])).toEqual({ orders: 0, grossFen: 0, refundsFen: 0, commissionFen: 0, netOwedFen: 0 });
  });
});

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(ordersSubgraph);
  // fr-lng-a's rates with history (the demo's 10% since 2024 stays below them): 10% from 2025, 12.5% from 2026-02-01 (orders paid before it keep 10%).
  await h.db.query(
    `INSERT INTO orders.operator_commission (id, brand_id, franchisee_id, rate_bp, effective_from, set_by) VALUES
       ('com-t1', 'brand-lng', 'fr-lng-a', 1000, '2025-01-01T00:00:00+08:00', 'test'),
       ('com-t2', 'brand-lng', 'fr-lng-a', 1250, '2026-02-01T00:00:00+08:00', 'test')`,
  );
  await insertOrders(h.db, [
    { id: 'ord-s-1', storeId: 'store-lng-03', channel: 'POS', lines: [{ quantity: 1, unitPriceFen: 10000 }], paidAt: '2026-01-10T12:00:00+08:00' },
    { id: 'ord-s-2', storeId: 'store-lng-04', lines: [{ quantity: 1, unitPriceFen: 3333 }], paidAt: '2026-01-31T23:59:59+08:00' },
    { id: 'ord-s-3', storeId: 'store-lng-04', lines: [{ quantity: 2, unitPriceFen: 5000 }], paidAt: '2026-02-01T00:00:00+08:00' },
    // Another operator (the demo's 8%), and the brand's own store (no rate, no split).
    { id: 'ord-s-4', storeId: 'store-lng-06', franchiseeId: 'fr-lng-b', lines: [{ quantity: 1, unitPriceFen: 9900 }], paidAt: '2026-01-12T12:00:00+08:00' },
    { id: 'ord-s-5', storeId: 'store-lng-01', franchiseeId: 'fr-lng-direct', lines: [{ quantity: 1, unitPriceFen: 9900 }], paidAt: '2026-01-12T12:00:00+08:00' },
  ]);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const JANUARY = { from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00' };
const SETTLEMENT = `query($f: ID!, $period: PeriodInput!) { franchiseeSettlement(franchiseeId: $f, period: $period) {
  franchisee { id } from to currency orders gross { amount currency } refunds { amount } commission { amount } netOwed { amount }
  lines(first: 10) { totalCount edges { node { kind rateBasisPoints gross { amount } commission { amount } operatorNet { amount } bookedAt order { id } store { id } } } } } }`;

interface Settlement {
  franchiseeSettlement: {
    orders: number;
    gross: { amount: string };
    refunds: { amount: string };
    commission: { amount: string };
    netOwed: { amount: string };
    lines: { totalCount: number; edges: { node: { kind: string; rateBasisPoints: number; gross: { amount: string }; commission: { amount: string }; order: { id: string } | null } }[] };
  } | null;
}

const settlement = (viewer: TestViewer, franchiseeId: string, period = JANUARY) => h.data<Settlement>(viewer, SETTLEMENT, { f: franchiseeId, period });

describe('franchiseeSettlement', () => {
  it('sums the split rows booked in the period, each order at the rate in force when it was paid', async () => {
    const d = await settlement(as.lngFranchiseeA, 'fr-lng-a');
    expect(d.franchiseeSettlement).toMatchObject({
      franchisee: { id: 'fr-lng-a' },
      from: '2025-12-31T16:00:00.000Z',
      to: '2026-01-31T16:00:00.000Z',
      currency: 'CNY',
      orders: 2,
      gross: { amount: '133.33', currency: 'CNY' },
      refunds: { amount: '0.00' },
      commission: { amount: '13.33' },
      netOwed: { amount: '120.00' },
    });
    expect(d.franchiseeSettlement!.lines.totalCount).toBe(2);
    expect(d.franchiseeSettlement!.lines.edges.map((e) => [e.node.order?.id, e.node.kind, e.node.rateBasisPoints, e.node.gross.amount, e.node.commission.amount])).toEqual([
      ['ord-s-1', 'SALE', 1000, '100.00', '10.00'],
      ['ord-s-2', 'SALE', 1000, '33.33', '3.33'],
    ]);
    const feb = await settlement(as.lngAdmin, 'fr-lng-a', { from: '2026-02-01T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00' });
    expect(feb.franchiseeSettlement).toMatchObject({ orders: 1, gross: { amount: '100.00' }, commission: { amount: '12.50' }, netOwed: { amount: '87.50' } });
  });

  it('is reproducible for a closed period: a later refund books in its own period', async () => {
    const before = await settlement(as.lngAdmin, 'fr-lng-a');
    const refund = await h.data<{ refundOrder: { userErrors: unknown[]; refund: { completedAt: string } } }>(
      as.lngAdmin,
      `mutation($input: RefundOrderInput!) { refundOrder(input: $input) { refund { completedAt } userErrors { code } } }`,
      { input: { idempotencyKey: 'late-refund', orderId: 'ord-s-1', amount: { amount: '30.00', currency: 'CNY' } } },
    );
    expect(refund.refundOrder.userErrors).toEqual([]);
    expect(await settlement(as.lngAdmin, 'fr-lng-a')).toEqual(before);
    const now = Date.parse(refund.refundOrder.refund.completedAt);
    const today = { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString() };
    const later = await settlement(as.lngAdmin, 'fr-lng-a', today);
    expect(later.franchiseeSettlement).toMatchObject({ orders: 0, gross: { amount: '0.00' }, refunds: { amount: '30.00' }, commission: { amount: '-3.00' }, netOwed: { amount: '-27.00' } });
    expect(later.franchiseeSettlement!.lines.edges.map((e) => [e.node.order?.id, e.node.kind, e.node.rateBasisPoints, e.node.gross.amount])).toEqual([['ord-s-1', 'REFUND', 1000, '-30.00']]);
  });

  it('is fenced: the operator itself, its brand and the platform; nobody else', async () => {
    expect((await settlement(as.platform, 'fr-lng-a')).franchiseeSettlement?.orders).toBe(2);
    for (const viewer of [as.lngFranchiseeB, as.csmAdmin, as.lngStaff03, as.lngGuide031, as.lngMember1, as.partner]) {
      expect([viewer.role, (await settlement(viewer, 'fr-lng-a')).franchiseeSettlement]).toEqual([viewer.role, null]);
    }
    const b = await settlement(as.lngFranchiseeB, 'fr-lng-b');
    expect(b.franchiseeSettlement).toMatchObject({ orders: 1, gross: { amount: '99.00' }, commission: { amount: '7.92' }, netOwed: { amount: '91.08' } });
    const res = await h.gql(as.lngAdmin, SETTLEMENT, { f: 'fr-lng-a', period: { from: JANUARY.to, to: JANUARY.from } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

const SET_RATE = `mutation($input: SetOperatorCommissionInput!) { setOperatorCommission(input: $input) {
  commission { id brand { id } franchisee { id } rateBasisPoints effectiveFrom setAt } userErrors { code field } } }`;

describe('setOperatorCommission', () => {
  it('is for the brand admins only, 0..10000 bp, never starting in the past', async () => {
    const set = (viewer: TestViewer, input: Record<string, unknown>) =>
      h.data<{ setOperatorCommission: { commission: { rateBasisPoints: number } | null; userErrors: { code: string; field: string[] }[] } }>(viewer, SET_RATE, { input });
    const base = { brandId: 'brand-lng', franchiseeId: 'fr-lng-b', rateBasisPoints: 800 };
    for (const viewer of [as.lngFranchiseeB, as.csmAdmin, as.lngStaff03, as.lngMember1]) {
      expect((await set(viewer, base)).setOperatorCommission.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    }
    expect((await set(as.lngAdmin, { ...base, rateBasisPoints: 10001 })).setOperatorCommission.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'rateBasisPoints'] }]);
    expect((await set(as.lngAdmin, { ...base, effectiveFrom: '2026-01-01T00:00:00Z' })).setOperatorCommission.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'effectiveFrom'] }]);
    expect((await set(as.lngAdmin, base)).setOperatorCommission.commission).toMatchObject({ rateBasisPoints: 800 });
  });

  it('applies to orders paid after it: the paid path books the split in its transaction', async () => {
    const d = await h.data<{ setOperatorCommission: { commission: { franchisee: { id: string }; brand: { id: string }; effectiveFrom: string } } }>(as.lngAdmin, SET_RATE, {
      input: { brandId: 'brand-lng', franchiseeId: 'fr-lng-b', rateBasisPoints: 1500 },
    });
    expect(d.setOperatorCommission.commission).toMatchObject({ brand: { id: 'brand-lng' }, franchisee: { id: 'fr-lng-b' } });
    await insertOrders(h.db, [{ id: 'ord-s-b', storeId: 'store-lng-06', franchiseeId: 'fr-lng-b', status: 'PENDING_PAYMENT', lines: [{ quantity: 1, unitPriceFen: 20001 }] }]);
    const paidAt = new Date().toISOString();
    const out = await h.db.transaction((tx) => takePayment(tx, { kind: 'platform' }, { orderId: 'ord-s-b', provider: 'CASH', providerTransactionId: null, amountFen: 20001, currency: 'CNY', paidAt }));
    expect(out.kind).toBe('PAID');
    const rows = await h.db.query(`SELECT kind, rate_bp, gross_fen, commission_fen, operator_net_fen FROM orders.order_split WHERE order_id = 'ord-s-b'`);
    expect(rows).toEqual([{ kind: 'SALE', rate_bp: 1500, gross_fen: 20001, commission_fen: 3000, operator_net_fen: 17001 }]);
    // ord-s-4 was paid under the earlier rate and keeps it; the brand's own store has no split.
    expect(await h.db.query(`SELECT order_id, rate_bp FROM orders.order_split WHERE order_id IN ('ord-s-4', 'ord-s-5')`)).toEqual([{ order_id: 'ord-s-4', rate_bp: 800 }]);
  });
});

describe('the demo: a closed month of fr-lng-a', () => {
  const NOVEMBER = { from: '2024-11-01T00:00:00+08:00', to: '2024-12-01T00:00:00+08:00' };
  const DECEMBER = { from: '2024-12-01T00:00:00+08:00', to: '2025-01-01T00:00:00+08:00' };
  const fenOf = (amount: string) => Math.round(Number(amount) * 100);

  it('settles November from its paid orders and the refund booked in it; the December refund books in December', async () => {
    const paid = DEMO_ORDERS.filter((o) => o.franchiseeId === 'fr-lng-a' && o.paidAt && o.paidAt >= '2024-10-31T16:00:00.000Z' && o.paidAt < '2024-11-30T16:00:00.000Z');
    expect(paid.map((o) => o.id).sort()).toEqual(['ord-demo-lng-0001', 'ord-demo-lng-0003', 'ord-demo-lng-0005']);
    const refund = (orderId: string) => DEMO_REFUNDS.find((r) => r.orderId === orderId)!;
    const november = refund('ord-demo-lng-0003');
    const december = refund('ord-demo-lng-0005');
    const gross = paid.reduce((s, o) => s + o.totalFen, 0);
    // ord-demo-lng-0003 is refunded in full: its whole commission goes back.
    const commission = paid.reduce((s, o) => s + commissionFen(o.totalFen, 1000), 0) - commissionFen(november.amountFen, 1000);
    const nov = (await settlement(as.lngFranchiseeA, 'fr-lng-a', NOVEMBER)).franchiseeSettlement!;
    expect([nov.orders, fenOf(nov.gross.amount), fenOf(nov.refunds.amount), fenOf(nov.commission.amount), fenOf(nov.netOwed.amount)]).toEqual([
      3, gross, november.amountFen, commission, gross - november.amountFen - commission,
    ]);
    const dec = (await settlement(as.lngAdmin, 'fr-lng-a', DECEMBER)).franchiseeSettlement!;
    const saleOf0005 = DEMO_ORDERS.find((o) => o.id === 'ord-demo-lng-0005')!.totalFen;
    expect([dec.orders, fenOf(dec.refunds.amount), fenOf(dec.commission.amount)]).toEqual([0, december.amountFen, -commissionFen(december.amountFen, 1000)]);
    expect(saleOf0005).toBeGreaterThan(december.amountFen);
    const orders = await h.data<{ a: { status: string; refundedTotal: { amount: string } }; b: { status: string; lines: { refundedQuantity: number }[] }; c: { status: string } }>(
      as.lngAdmin,
      `{ a: order(id: "ord-demo-lng-0003") { status refundedTotal { amount } } b: order(id: "ord-demo-lng-0005") { status lines { refundedQuantity } } c: order(id: "ord-demo-lng-0006") { status } }`,
    );
    expect(orders).toEqual({
      a: { status: 'REFUNDED', refundedTotal: { amount: (november.amountFen / 100).toFixed(2) } },
      b: { status: 'PARTIALLY_REFUNDED', lines: [{ refundedQuantity: 1 }] },
      c: { status: 'REFUNDED' },
    });
  });

  it('seeding again changes nothing', async () => {
    const before = await h.db.query(`SELECT id, kind, gross_fen, commission_fen FROM orders.order_split ORDER BY id`);
    await ordersSubgraph.seed(h.db);
    expect(await h.db.query(`SELECT id, kind, gross_fen, commission_fen FROM orders.order_split ORDER BY id`)).toEqual(before);
  });
});
