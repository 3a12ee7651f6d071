import { startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { DEMO_STORES } from '@retail/stores/demo';
import { ordersSubgraph } from '../src';
import { offHoursShare, storeSales } from '../src/domain/kpi';
import { periodOf } from '../src/domain/period';
import { as } from './callers';
import { insertOrders } from './order-fixtures';

describe('KPI rules (domain)', () => {
  it('sums paid minus refunded per figure, Tmall and JD left out', () => {
    expect(
      storeSales([
        { channel: 'POS', paidFen: 15000, refundedFen: 2000, orders: 2 },
        { channel: 'WECHAT_MINIPROGRAM', paidFen: 8000, refundedFen: 0, orders: 1 },
        { channel: 'WECOM', paidFen: 4000, refundedFen: 0, orders: 1 },
        { channel: 'TMALL', paidFen: 99900, refundedFen: 0, orders: 1 },
      ]),
    ).toEqual({ inStoreSalesFen: 13000, miniProgramSalesFen: 12000, orders: 4 });
  });
  it('gives the off-hours share with its parts; no orders, no rate', () => {
    expect(offHoursShare(3, 7)).toEqual({ numerator: 3, denominator: 7, rate: 3 / 7 });
    expect(offHoursShare(0, 0)).toEqual({ numerator: 0, denominator: 0, rate: null });
  });
  it('takes a half-open period, from before to, at most about a year', () => {
    expect(periodOf({ from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00' }).from.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(() => periodOf({ from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })).toThrow(/before/);
    expect(() => periodOf({ from: '2024-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })).toThrow(/367/);
  });
});

/** A member of these orders only (the demo's members have demo orders of their own). */
const KPI_MEMBER = 'mem-kpi-1';
const kpiMember: TestViewer = { role: 'MEMBER', brandId: 'brand-lng', memberId: KPI_MEMBER };

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(ordersSubgraph);
  const at = (day: string, time = '12:00:00') => `2026-01-${day}T${time}+08:00`;
  const one = (fen: number) => [{ quantity: 1, unitPriceFen: fen }];
  const m1 = KPI_MEMBER;
  await insertOrders(h.db, [
    { id: 'k1', channel: 'POS', memberId: m1, guideId: 'gd-lng-03-1', lines: one(10000), placedAt: at('05') },
    { id: 'k2', channel: 'POS', lines: [{ quantity: 2, unitPriceFen: 2500 }], placedAt: at('06') },
    { id: 'k3', channel: 'WECHAT_MINIPROGRAM', memberId: m1, guideId: 'gd-lng-03-1', lines: one(8000), placedAt: at('07', '23:30:00'), offHours: true },
    { id: 'k4', channel: 'ALIPAY_MINIPROGRAM', memberId: m1, guideId: 'gd-lng-03-1', lines: one(6000), placedAt: at('08') },
    { id: 'k5', channel: 'WECOM', guideId: 'gd-lng-03-2', lines: one(4000), placedAt: at('09') },
    { id: 'k6', channel: 'TMALL', lines: one(99900), placedAt: at('10') },
    { id: 'k7', channel: 'POS', lines: one(7700), placedAt: '2025-12-31T23:00:00+08:00' },
    { id: 'k8', channel: 'WECHAT_MINIPROGRAM', status: 'PENDING_PAYMENT', lines: one(1000), placedAt: at('11', '08:00:00'), offHours: true },
    { id: 'k9', channel: 'WECHAT_MINIPROGRAM', pickup: true, status: 'COMPLETED', lines: one(3000), placedAt: '2025-12-20T12:00:00+08:00', pickedUpAt: at('03') },
    { id: 'k10', channel: 'WECHAT_MINIPROGRAM', pickup: true, status: 'COMPLETED', lines: one(2500), placedAt: at('20', '07:00:00'), offHours: true, pickedUpAt: '2026-02-02T12:00:00+08:00' },
    { id: 'k11', channel: 'POS', storeId: 'store-lng-04', guideId: 'gd-lng-03-1', lines: one(7000), placedAt: at('12') },
    { id: 'k12', channel: 'WECHAT_MINIPROGRAM', memberId: m1, guideId: 'gd-lng-03-1', lines: one(5500), placedAt: '2026-02-03T12:00:00+08:00' },
  ]);
  // Refunds (CASH: they succeed at once): 20.00 of k2, all of k4.
  for (const [orderId, amount] of [['k2', '20.00'], ['k4', '60.00']] as const) {
    const d = await h.data<{ refundOrder: { userErrors: unknown[] } }>(as.lngAdmin, `mutation($input: RefundOrderInput!) { refundOrder(input: $input) { userErrors { code } } }`, {
      input: { idempotencyKey: `kpi-${orderId}`, orderId, amount: { amount, currency: 'CNY' } },
    });
    expect(d.refundOrder.userErrors).toEqual([]);
  }
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const JANUARY = { from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00' };
const KPI = `query($r: [_Any!]!, $period: PeriodInput!) { _entities(representations: $r) { ... on Store { id kpi(period: $period) {
  inStoreSales { amount currency } miniProgramSales { amount } pickupOrders orders total { amount } offHoursOrderShare { numerator denominator rate } } } } }`;

interface Kpi {
  id: string;
  kpi: {
    inStoreSales: { amount: string; currency: string };
    miniProgramSales: { amount: string };
    pickupOrders: number;
    orders: number;
    total: { amount: string };
    offHoursOrderShare: { numerator: number; denominator: number; rate: number | null };
  } | null;
}

const kpiOf = async (viewer: TestViewer, storeIds: string[], period = JANUARY) =>
  (await h.data<{ _entities: Kpi[] }>(viewer, KPI, { r: storeIds.map((id) => ({ __typename: 'Store', id })), period }))._entities;

describe('Store.kpi', () => {
  it('adds up a hand-checked store month, each figure', async () => {
    const [s] = await kpiOf(as.lngAdmin, ['store-lng-03']);
    // 店内销售: k1 100.00 + k2 (50.00 − 20.00 refunded) = 130.00; k7 was paid in December.
    // 小程序成交: k3 80.00 + k4 (60.00 − 60.00) + k5 40.00 + k10 25.00 = 145.00; k6 is Tmall, k8 unpaid, k9 paid in December.
    // orders: k1, k2, k3, k5, k10 (k4 refunded in full). pickupOrders: k9 (k10 is collected in February).
    // offHoursOrderShare: k3, k8, k10 of the 7 placed here in January (k1, k2, k3, k4, k5, k8, k10).
    expect(s!.kpi).toEqual({
      inStoreSales: { amount: '130.00', currency: 'CNY' },
      miniProgramSales: { amount: '145.00' },
      pickupOrders: 1,
      orders: 5,
      total: { amount: '275.00' },
      offHoursOrderShare: { numerator: 3, denominator: 7, rate: 3 / 7 },
    });
  });

  it('another period and another store have their own figures', async () => {
    const [s3, s4] = await kpiOf(as.lngAdmin, ['store-lng-03', 'store-lng-04'], { from: '2026-02-01T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00' });
    expect(s3!.kpi).toEqual({
      inStoreSales: { amount: '0.00', currency: 'CNY' },
      miniProgramSales: { amount: '55.00' },
      pickupOrders: 1,
      orders: 1,
      total: { amount: '55.00' },
      offHoursOrderShare: { numerator: 0, denominator: 1, rate: 0 },
    });
    expect(s4!.kpi).toMatchObject({ inStoreSales: { amount: '0.00' }, orders: 0, offHoursOrderShare: { numerator: 0, denominator: 0, rate: null } });
  });

  it('is private to the store: its brand, operator, staff and guides; null for others', async () => {
    for (const viewer of [as.platform, as.lngFranchiseeA, as.lngStaff03, as.lngGuide031]) {
      expect([viewer.role, (await kpiOf(viewer, ['store-lng-03']))[0]!.kpi?.total.amount]).toEqual([viewer.role, '275.00']);
    }
    for (const viewer of [as.lngFranchiseeB, as.lngStaff04, as.csmAdmin, as.lngMember1, as.partner]) {
      expect([viewer.role, (await kpiOf(viewer, ['store-lng-03']))[0]!.kpi]).toEqual([viewer.role, null]);
    }
  });

  it('costs the same SQL statements for 1 store as for all of them', async () => {
    const ids = DEMO_STORES.map((s) => s.id);
    const one = await h.countStatements(as.platform, KPI, { r: [{ __typename: 'Store', id: 'store-lng-03' }], period: JANUARY });
    const all = await h.countStatements(as.platform, KPI, { r: ids.map((id) => ({ __typename: 'Store', id })), period: JANUARY });
    expect(one.res.errors).toBeUndefined();
    expect(all.res.errors).toBeUndefined();
    expect((all.res.data as { _entities: unknown[] })._entities).toHaveLength(ids.length);
    expect(one.statements).toBe(1);
    expect(all.statements).toBe(one.statements);
  });

  it('refuses a period that is not [from, to)', async () => {
    const res = await h.gql(as.lngAdmin, KPI, { r: [{ __typename: 'Store', id: 'store-lng-03' }], period: { from: JANUARY.to, to: JANUARY.from } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

const PERFORMANCE = `query($r: [_Any!]!, $period: PeriodInput!) { _entities(representations: $r) { ... on Guide { id performance(period: $period) { orders sales { amount currency } } } } }`;

describe('Guide.performance', () => {
  const perf = async (viewer: TestViewer, guideIds: string[]) =>
    (await h.data<{ _entities: { id: string; performance: { orders: number; sales: { amount: string } } | null }[] }>(viewer, PERFORMANCE, {
      r: guideIds.map((id) => ({ __typename: 'Guide', id })),
      period: JANUARY,
    }))._entities;

  it('sums the attributed orders paid in the period, on any channel and store', async () => {
    // gd-lng-03-1: k1 100.00 + k3 80.00 + k4 0.00 (refunded in full, not counted) + k11 70.00 (store-lng-04); k12 is February.
    expect((await perf(as.lngAdmin, ['gd-lng-03-1']))[0]!.performance).toEqual({ orders: 3, sales: { amount: '250.00', currency: 'CNY' } });
    expect((await perf(as.lngAdmin, ['gd-lng-03-2']))[0]!.performance).toEqual({ orders: 1, sales: { amount: '40.00', currency: 'CNY' } });
  });

  it('is for the guide itself, its store, its operator and brand', async () => {
    expect((await perf(as.lngGuide031, ['gd-lng-03-1', 'gd-lng-03-2'])).map((g) => g.performance?.orders ?? null)).toEqual([3, null]);
    expect((await perf(as.lngStaff04, ['gd-lng-03-1']))[0]!.performance).toBeNull();
    expect((await perf(as.lngFranchiseeB, ['gd-lng-03-1']))[0]!.performance).toBeNull();
    expect((await perf(as.lngFranchiseeA, ['gd-lng-03-1']))[0]!.performance?.orders).toBe(3);
  });

  it('costs one statement for one guide or many', async () => {
    const r = (ids: string[]) => ({ r: ids.map((id) => ({ __typename: 'Guide', id })), period: JANUARY });
    const one = await h.countStatements(as.lngAdmin, PERFORMANCE, r(['gd-lng-03-1']));
    const many = await h.countStatements(as.lngAdmin, PERFORMANCE, r(['gd-lng-03-1', 'gd-lng-03-2', 'gd-lng-03-3', 'gd-lng-01-1', 'gd-lng-02-1']));
    expect(one.statements).toBe(1);
    expect(many.statements).toBe(1);
  });
});

const MEMBER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id lifetimeSpend { amount currency } orders(first: 10) { edges { node { id } } } } } }`;

describe('Member.lifetimeSpend and Member.orders', () => {
  const member = async (viewer: TestViewer, ids: string[]) =>
    (await h.data<{ _entities: { id: string; lifetimeSpend: { amount: string }; orders: { edges: { node: { id: string } }[] } }[] }>(viewer, MEMBER, {
      r: ids.map((id) => ({ __typename: 'Member', id })),
    }))._entities;

  it('is paid minus refunded over all its orders, newest first in its list', async () => {
    // k1 100.00 + k3 80.00 + k4 0.00 + k12 55.00
    const [m] = await member(kpiMember, [KPI_MEMBER]);
    expect(m!.lifetimeSpend).toEqual({ amount: '235.00', currency: 'CNY' });
    expect(m!.orders.edges.map((e) => e.node.id)).toEqual(['k12', 'k4', 'k3', 'k1']);
  });

  it('counts only the orders in the caller reach', async () => {
    expect((await member(as.lngMember2, [KPI_MEMBER]))[0]!.lifetimeSpend.amount).toBe('0.00');
    expect((await member(as.csmAdmin, [KPI_MEMBER]))[0]!.lifetimeSpend.amount).toBe('0.00');
    expect((await member(as.lngAdmin, [KPI_MEMBER]))[0]!.lifetimeSpend.amount).toBe('235.00');
    // The guide sees its attributed orders of the member only: k1, k3, k4 and k12 are all gd-lng-03-1's.
    expect((await member(as.lngGuide032, [KPI_MEMBER]))[0]!.lifetimeSpend.amount).toBe('0.00');
  });

  it('costs the same statements for one member as for several', async () => {
    const one = await h.countStatements(as.lngAdmin, MEMBER, { r: [{ __typename: 'Member', id: KPI_MEMBER }] });
    const many = await h.countStatements(as.lngAdmin, MEMBER, { r: [KPI_MEMBER, 'mem-lng-0001', 'mem-lng-0002', 'mem-lng-0003', 'mem-lng-0007'].map((id) => ({ __typename: 'Member', id })) });
    expect(one.res.errors).toBeUndefined();
    expect(many.statements).toBe(one.statements);
  });
});
