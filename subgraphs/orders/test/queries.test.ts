import { startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { ordersSubgraph } from '../src';
import { DEMO_ORDERS } from '../src/demo/data';
import { as } from './callers';

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(ordersSubgraph);
  // 60 more orders at store-lng-05 (the brand's own store), two lines and a payment each, a second apart.
  await h.db.query(
    `INSERT INTO orders."order" (id, brand_id, channel, member_id, store_id, guide_id, franchisee_id, status, fulfillment_type, total_fen, paid_fen, currency, placed_at, paid_at)
     SELECT 'ord-bulk-' || lpad(n::text, 3, '0'), 'brand-lng', 'POS', 'mem-lng-' || lpad((n % 20 + 1)::text, 4, '0'), 'store-lng-05', 'gd-lng-05-1', 'fr-lng-direct', 'COMPLETED',
            'DELIVERY', 2000, 2000, 'CNY', '2024-10-01T00:00:00Z'::timestamptz + n * interval '1 second', '2024-10-01T00:00:00Z'::timestamptz + n * interval '1 second'
       FROM generate_series(1, 60) AS n`,
  );
  await h.db.query(
    `INSERT INTO orders.order_line (id, order_id, position, sku_id, title, quantity, unit_price_fen, line_total_fen)
     SELECT o.id || '-' || p, o.id, p, 'sku-lng-pt-2401-nu-m', '冰丝无痕中腰内裤', 1, 1000, 1000 FROM orders."order" o, generate_series(1, 2) AS p WHERE o.id LIKE 'ord-bulk-%'`,
  );
  await h.db.query(
    `INSERT INTO orders.payment (id, order_id, provider, amount_fen, currency, paid_at) SELECT 'pay-' || o.id, o.id, 'CASH', 2000, 'CNY', o.paid_at FROM orders."order" o WHERE o.id LIKE 'ord-bulk-%'`,
  );
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const DEMO_IDS = DEMO_ORDERS.map((o) => o.id);
const ids = (edges: { node: { id: string } }[]) => edges.map((e) => e.node.id).filter((id) => !id.startsWith('ord-bulk-')).sort();
const demo = (...suffixes: string[]) => suffixes.map((s) => `ord-demo-${s}`).sort();

type DemoOrder = (typeof DEMO_ORDERS)[number];
const where = (pred: (o: DemoOrder) => boolean) => DEMO_ORDERS.filter(pred).map((o) => o.id).sort();

/**
 * Which demo orders each caller reaches (the order fence, docs/architecture.md §4), by the orders' own facts, with
 * orders checked by hand that must be among them and orders that must not.
 */
const REACH: [string, TestViewer, string[], { among: string[]; not: string[] }][] = [
  ['the platform', as.platform, where(() => true), { among: demo('lng-0001', 'csm-0001'), not: [] }],
  ['a brand admin: its brand', as.lngAdmin, where((o) => o.brandId === 'brand-lng'), { among: demo('lng-0001', 'lng-0009'), not: demo('csm-0001') }],
  ['another brand admin', as.csmAdmin, where((o) => o.brandId === 'brand-csm'), { among: demo('csm-0001', 'csm-0002'), not: demo('lng-0001') }],
  ['a franchisee: the orders of its stores', as.lngFranchiseeA, where((o) => o.franchiseeId === 'fr-lng-a'), { among: demo('lng-0001', 'lng-0003', 'lng-0005'), not: demo('lng-0006', 'lng-0004') }],
  ['another franchisee', as.lngFranchiseeB, where((o) => o.franchiseeId === 'fr-lng-b'), { among: demo('lng-0006', 'lng-0009'), not: demo('lng-0001') }],
  ['store staff: its store', as.lngStaff03, where((o) => o.storeId === 'store-lng-03'), { among: demo('lng-0001', 'lng-0005'), not: demo('lng-0003') }],
  ['a guide: its attributed orders', as.lngGuide031, where((o) => o.guideId === 'gd-lng-03-1'), { among: demo('lng-0001'), not: demo('lng-0005') }],
  ['another guide of the store', as.lngGuide032, where((o) => o.guideId === 'gd-lng-03-2'), { among: demo('lng-0005'), not: demo('lng-0001') }],
  ['a member: its own', as.lngMember7, where((o) => o.memberId === 'mem-lng-0007'), { among: demo('lng-0001', 'lng-0005'), not: demo('lng-0004') }],
  ['a partner: nothing', as.partner, [], { among: [], not: [] }],
];

test.each(REACH)('the expected reach of %s holds the orders checked by hand', (_who, _viewer, expected, { among, not }) => {
  for (const id of among) expect(expected).toContain(id);
  for (const id of not) expect(expected).not.toContain(id);
});

describe('order fencing', () => {
  it.each(REACH)('orders: %s', async (_who, viewer, expected) => {
    const d = await h.data<{ orders: { edges: { node: { id: string } }[] } }>(viewer, `{ orders(first: 100) { edges { node { id } } } }`);
    expect(ids(d.orders.edges)).toEqual(expected);
  });

  it.each(REACH)('order(id) and _entities: %s', async (_who, viewer, expected) => {
    const one = await Promise.all(DEMO_IDS.map((id) => h.data<{ order: { id: string } | null }>(viewer, `query($id: ID!) { order(id: $id) { id } }`, { id })));
    expect(one.flatMap((d) => (d.order ? [d.order.id] : [])).sort()).toEqual(expected);
    const ent = await h.data<{ _entities: ({ id: string } | null)[] }>(viewer, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id } } }`, {
      r: DEMO_IDS.map((id) => ({ __typename: 'Order', id })),
    });
    expect(ent._entities.flatMap((o) => (o ? [o.id] : [])).sort()).toEqual(expected);
  });

  it.each(REACH)('Store.orders and Guide.attributedOrders: %s', async (_who, viewer, expected) => {
    const stores = [...new Set(DEMO_ORDERS.map((o) => o.storeId))];
    const guides = [...new Set(DEMO_ORDERS.flatMap((o) => (o.guideId ? [o.guideId] : [])))];
    const d = await h.data<{ _entities: { orders?: { edges: { node: { id: string } }[] }; attributedOrders?: { edges: { node: { id: string } }[] } }[] }>(
      viewer,
      `query($r: [_Any!]!) { _entities(representations: $r) {
         ... on Store { orders(first: 100) { edges { node { id } } } }
         ... on Guide { attributedOrders(first: 100) { edges { node { id } } } } } }`,
      { r: [...stores.map((id) => ({ __typename: 'Store', id })), ...guides.map((id) => ({ __typename: 'Guide', id }))] },
    );
    const viaStores = ids(d._entities.slice(0, stores.length).flatMap((e) => e.orders!.edges));
    const viaGuides = ids(d._entities.slice(stores.length).flatMap((e) => e.attributedOrders!.edges));
    expect(viaStores).toEqual(expected);
    // Through the guides: the orders in reach that have a guide.
    expect(viaGuides).toEqual(expected.filter((id) => DEMO_ORDERS.find((o) => o.id === id)!.guideId !== null));
  });

  it('asks for a login', async () => {
    const res = await h.gql(as.anonymous, `{ orders { edges { node { id } } } }`);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('order queries', () => {
  it('answers an order with its lines, payments and references', async () => {
    const d = await h.data<{ order: Record<string, unknown> }>(
      as.lngAdmin,
      `{ order(id: "ord-demo-lng-0001") { id brand { id } channel externalOrderId member { id } store { id } guide { id } franchisee { id }
          lines { sku { id } title quantity unitPrice { amount currency } lineTotal { amount } refundedQuantity }
          total { amount currency } paidTotal { amount } refundedTotal { amount } status
          fulfillment { type pickupStore { id } pickupCode readyAt pickedUpAt } placedAt paidAt payments { provider providerTransactionId amount { amount } paidAt } } }`,
    );
    expect(d.order).toEqual({
      id: 'ord-demo-lng-0001',
      brand: { id: 'brand-lng' },
      channel: 'WECHAT_MINIPROGRAM',
      externalOrderId: null,
      member: { id: 'mem-lng-0007' },
      store: { id: 'store-lng-03' },
      guide: { id: 'gd-lng-03-1' },
      franchisee: { id: 'fr-lng-a' },
      lines: [
        { sku: { id: 'sku-lng-br-2401-bk-70b' }, title: '无钢圈蕾丝聚拢文胸 黑色 70B', quantity: 1, unitPrice: { amount: '299.00', currency: 'CNY' }, lineTotal: { amount: '299.00' }, refundedQuantity: 0 },
        { sku: { id: 'sku-lng-pt-2401-nu-m' }, title: '冰丝无痕中腰内裤（3条装） 肤色 M', quantity: 2, unitPrice: { amount: '99.00', currency: 'CNY' }, lineTotal: { amount: '198.00' }, refundedQuantity: 0 },
      ],
      total: { amount: '497.00', currency: 'CNY' },
      paidTotal: { amount: '497.00' },
      refundedTotal: { amount: '0.00' },
      status: 'READY_FOR_PICKUP',
      fulfillment: { type: 'STORE_PICKUP', pickupStore: { id: 'store-lng-03' }, pickupCode: null, readyAt: '2024-11-11T03:45:00.000Z', pickedUpAt: null },
      placedAt: '2024-11-11T02:15:00.000Z',
      paidAt: '2024-11-11T02:17:00.000Z',
      payments: [{ provider: 'WECHAT_PAY', providerTransactionId: 'demo-ord-demo-lng-0001', amount: { amount: '497.00' }, paidAt: '2024-11-11T02:17:00.000Z' }],
    });
  });

  it('finds a marketplace order by its channel id, inside the fence', async () => {
    const q = `{ orderByExternalId(channel: TMALL, externalOrderId: "3912045566012876543") { id } }`;
    expect((await h.data<{ orderByExternalId: { id: string } | null }>(as.lngAdmin, q)).orderByExternalId).toEqual({ id: 'ord-demo-lng-0007' });
    expect((await h.data<{ orderByExternalId: { id: string } | null }>(as.csmAdmin, q)).orderByExternalId).toBeNull();
  });

  it('filters and pages newest first without skipping or repeating', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const d: { orders: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await h.data(
        as.lngAdmin,
        `query($after: String) { orders(first: 7, after: $after, filter: { storeId: "store-lng-05", channel: POS, status: COMPLETED, placedFrom: "2024-10-01T00:00:00Z", placedTo: "2024-10-02T00:00:00Z" }) {
           edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      seen.push(...d.orders.edges.map((e) => e.node.id));
      if (!d.orders.pageInfo.hasNextPage) break;
      after = d.orders.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => `ord-bulk-${String(60 - i).padStart(3, '0')}`));
    const bad = await h.gql(as.lngAdmin, `{ orders(after: "nope") { edges { node { id } } } }`);
    expect(bad.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('SQL statements do not grow with the list', () => {
  const LIST = `query($n: Int!) { orders(first: $n, filter: { storeId: "store-lng-05" }) { edges { node { id total { amount }
    lines { sku { id } title quantity lineTotal { amount } } payments { provider amount { amount } } member { id } store { id } guide { id } franchisee { id } fulfillment { pickupCode } } } } }`;

  it('orders with lines, payments and references: the same for 5 and for 50', async () => {
    const five = await h.countStatements<{ orders: { edges: unknown[] } }>(as.lngAdmin, LIST, { n: 5 });
    const fifty = await h.countStatements<{ orders: { edges: unknown[] } }>(as.lngAdmin, LIST, { n: 50 });
    expect([five.res.data!.orders.edges.length, fifty.res.data!.orders.edges.length]).toEqual([5, 50]);
    expect(fifty.statements).toBe(five.statements);
    expect(five.statements).toBeLessThanOrEqual(4);
  });

  it('_entities of orders and Store.orders of many stores: the same for 5 and for 50', async () => {
    const ENT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id lines { title } payments { provider } } } }`;
    const rep = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Order', id: `ord-bulk-${String(i + 1).padStart(3, '0')}` }));
    const five = await h.countStatements(as.lngAdmin, ENT, { r: rep(5) });
    const fifty = await h.countStatements(as.lngAdmin, ENT, { r: rep(50) });
    expect(fifty.statements).toBe(five.statements);
    const STORES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Store { orders(first: 10) { edges { node { id lines { title } } } } } } }`;
    const stores = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Store', id: i === 0 ? 'store-lng-05' : `store-x-${i}` }));
    const s5 = await h.countStatements(as.lngAdmin, STORES, { r: stores(5) });
    const s50 = await h.countStatements(as.lngAdmin, STORES, { r: stores(50) });
    expect(s50.statements).toBe(s5.statements);
  });
});

describe('demo data', () => {
  it('seeds idempotently: a second run adds nothing and changes nothing', async () => {
    await h.db.query(`UPDATE orders."order" SET status = 'COMPLETED' WHERE id = 'ord-demo-lng-0001'`);
    await ordersSubgraph.seed(h.db);
    const n = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders."order" WHERE id LIKE 'ord-demo-%'`);
    expect(n[0]!.n).toBe(DEMO_ORDERS.length);
    const row = await h.db.query<{ status: string }>(`SELECT status FROM orders."order" WHERE id = 'ord-demo-lng-0001'`);
    expect(row[0]!.status).toBe('COMPLETED');
    await h.db.query(`UPDATE orders."order" SET status = 'READY_FOR_PICKUP' WHERE id = 'ord-demo-lng-0001'`);
  });

  it('covers every channel, pickups waiting and an order placed off hours', () => {
    expect(new Set(DEMO_ORDERS.map((o) => o.channel))).toEqual(new Set(['WECHAT_MINIPROGRAM', 'ALIPAY_MINIPROGRAM', 'POS', 'WECOM', 'TMALL', 'JD']));
    expect(DEMO_ORDERS.filter((o) => o.status === 'READY_FOR_PICKUP').length).toBeGreaterThan(0);
    const night = DEMO_ORDERS.find((o) => o.id === 'ord-demo-lng-0002')!;
    // Placed at 00:40 in Shanghai: off hours, to be ready when the store opens at 10:00.
    expect([night.offHours, night.readyAt]).toEqual([true, '2024-11-12T02:00:00.000Z']);
  });
});
