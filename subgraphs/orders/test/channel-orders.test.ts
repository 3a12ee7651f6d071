import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { ordersSubgraph } from '../src';
import { channelTransition } from '../src/domain/channel-order-status';
import { applyChannelOrderUpserted, type ChannelOrderUpsertedPayload } from '../src/events/channel-order-upserted';
import { CONSUMES } from '../src/events/consumes';
import { applyMemberErased, applyMemberMerged } from '../src/events/member-changes';
import { as } from './callers';
import { insertOrders, outboxPayloads } from './order-fixtures';

describe('channel order statuses (domain)', () => {
  it('follows the status machine and ignores what it does not allow', () => {
    expect(channelTransition(null, 'PAID', true)).toEqual({ status: 'PAID', becomesPaid: true, refundsRest: false });
    expect(channelTransition('PAID', 'COMPLETED', true)).toEqual({ status: 'COMPLETED', becomesPaid: false, refundsRest: false });
    expect(channelTransition('COMPLETED', 'REFUNDED', true)).toEqual({ status: 'REFUNDED', becomesPaid: false, refundsRest: true });
    expect(channelTransition('PAID', 'CANCELLED', true)).toEqual({ status: 'CANCELLED', becomesPaid: false, refundsRest: true });
    expect(channelTransition(null, 'CANCELLED', false)).toEqual({ status: 'CANCELLED', becomesPaid: false, refundsRest: false });
    expect(channelTransition(null, 'REFUNDED', true)).toEqual({ status: 'REFUNDED', becomesPaid: true, refundsRest: true });
    expect(channelTransition('COMPLETED', 'PAID', true)).toBeNull();
    expect(channelTransition('REFUNDED', 'COMPLETED', true)).toBeNull();
    expect(channelTransition('CANCELLED', 'PAID', true)).toBeNull();
    expect(channelTransition('PAID', 'PAID', true)).toBeNull();
  });
});

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(ordersSubgraph);
  await h.db.query(`INSERT INTO orders.operator_commission (id, brand_id, franchisee_id, rate_bp, effective_from, set_by) VALUES ('com-c1', 'brand-lng', 'fr-lng-a', 1000, '2025-01-01T00:00:00Z', 'test')`);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

// A Taobao tid beyond 2^53: it must never pass through a number.
const TID = '4012345678901234567';
const event = (over: Partial<ChannelOrderUpsertedPayload> = {}): ChannelOrderUpsertedPayload => ({
  connectionId: 'conn-tmall-lng',
  channel: 'TMALL',
  brandId: 'brand-lng',
  storeId: null,
  externalOrderId: TID,
  externalStatus: 'WAIT_SELLER_SEND_GOODS',
  status: 'PAID',
  buyer: { channel: 'TMALL', appId: 'tb-app', ref: 'acr1-tb-buyer-9' },
  lines: [
    { skuId: 'sku-lng-br-2403-wh-70b', quantity: 2, unitPriceFen: 12900 },
    { externalSkuId: 'tb-sku-555', title: '赠品 收纳袋', quantity: 1, unitPriceFen: 0 },
  ],
  totalFen: 25800,
  paidFen: 25800,
  currency: 'CNY',
  placedAt: '2026-03-01T10:00:00+08:00',
  paidAt: '2026-03-01T10:01:00+08:00',
  updatedAt: '2026-03-01T10:01:00+08:00',
  ...over,
});
const apply = (e: ChannelOrderUpsertedPayload) => h.db.transaction((tx) => applyChannelOrderUpserted(tx, e));

const BY_EXTERNAL = `query($id: String!, $channel: SalesChannel!) { orderByExternalId(channel: $channel, externalOrderId: $id) {
  id channel externalOrderId status member { id } store { id } franchisee { id } total { amount } paidTotal { amount } refundedTotal { amount }
  lines { sku { id } title quantity unitPrice { amount } lineTotal { amount } refundedQuantity } payments { provider providerTransactionId amount { amount } }
  refunds { status amount { amount } } placedAt paidAt } }`;

interface ChannelOrder {
  id: string;
  status: string;
  externalOrderId: string;
  member: { id: string } | null;
  franchisee: { id: string } | null;
  paidTotal: { amount: string };
  refundedTotal: { amount: string };
  lines: { sku: { id: string } | null; title: string; quantity: number; lineTotal: { amount: string }; refundedQuantity: number }[];
  payments: { provider: string; providerTransactionId: string; amount: { amount: string } }[];
  refunds: { status: string; amount: { amount: string } }[];
}
const byExternal = async (id: string, channel = 'TMALL') => (await h.data<{ orderByExternalId: ChannelOrder | null }>(as.lngAdmin, BY_EXTERNAL, { id, channel })).orderByExternalId;

describe('channels.order.upserted', () => {
  it('is one of the topics orders consumes, with the member events', () => {
    expect(CONSUMES.map((c) => c.topic)).toEqual(expect.arrayContaining(['channels.order.upserted', 'channels.refund.succeeded', 'members.member.merged', 'members.member.erased']));
  });

  it('inserts a new paid order with its lines and payment, keeps the id a string, and publishes orders.order.paid', async () => {
    await apply(event());
    const o = await byExternal(TID);
    expect(o).toMatchObject({
      channel: 'TMALL',
      externalOrderId: TID,
      status: 'PAID',
      member: null,
      paidTotal: { amount: '258.00' },
      refundedTotal: { amount: '0.00' },
      payments: [{ provider: 'TMALL', providerTransactionId: TID, amount: { amount: '258.00' } }],
      placedAt: '2026-03-01T02:00:00.000Z',
      paidAt: '2026-03-01T02:01:00.000Z',
    });
    expect(o!.lines).toEqual([
      { sku: { id: 'sku-lng-br-2403-wh-70b' }, title: 'sku-lng-br-2403-wh-70b', quantity: 2, unitPrice: { amount: '129.00' }, lineTotal: { amount: '258.00' }, refundedQuantity: 0 },
      { sku: null, title: '赠品 收纳袋', quantity: 1, unitPrice: { amount: '0.00' }, lineTotal: { amount: '0.00' }, refundedQuantity: 0 },
    ]);
    const [origin] = await h.db.query(`SELECT buyer_channel, buyer_app_id, buyer_ref, buyer_external_id FROM orders.channel_order WHERE order_id = $1`, [o!.id]);
    expect(origin).toEqual({ buyer_channel: 'TMALL', buyer_app_id: 'tb-app', buyer_ref: 'acr1-tb-buyer-9', buyer_external_id: null });
    expect(await outboxPayloads(h.db, 'orders.order.paid', o!.id)).toEqual([
      expect.objectContaining({ orderId: o!.id, brandId: 'brand-lng', storeId: null, memberId: null, channel: 'TMALL', fulfillment: 'DELIVERY', inStore: false, paidFen: 25800, totalFen: 25800 }),
    ]);
  });

  it('the same upsert twice changes nothing the second time', async () => {
    await apply(event());
    const rows = await h.db.query(`SELECT id FROM orders."order" WHERE channel = 'TMALL' AND external_order_id = $1`, [TID]);
    expect(rows).toHaveLength(1);
    expect(await outboxPayloads(h.db, 'orders.order.paid', (rows[0] as { id: string }).id)).toHaveLength(1);
  });

  it('parallel deliveries of a new order insert it once', async () => {
    await Promise.all(Array.from({ length: 6 }, (_, i) => apply(event({ externalOrderId: 'par-1', updatedAt: `2026-03-01T10:0${i}:00Z` }))));
    const rows = await h.db.query<{ id: string }>(`SELECT id FROM orders."order" WHERE channel = 'TMALL' AND external_order_id = 'par-1'`);
    expect(rows).toHaveLength(1);
    expect(await outboxPayloads(h.db, 'orders.order.paid', rows[0]!.id)).toHaveLength(1);
    const [origin] = await h.db.query(`SELECT channel_updated_at = '2026-03-01T10:05:00Z' AS newest FROM orders.channel_order WHERE order_id = $1`, [rows[0]!.id]);
    expect(origin).toEqual({ newest: true });
  });

  it('out of order: an older updatedAt changes nothing after a newer one', async () => {
    const tid = '4012345678901234999';
    await apply(event({ externalOrderId: tid, status: 'COMPLETED', externalStatus: 'TRADE_FINISHED', updatedAt: '2026-03-05T10:00:00+08:00' }));
    await apply(event({ externalOrderId: tid, status: 'PAID', externalStatus: 'WAIT_SELLER_SEND_GOODS', updatedAt: '2026-03-01T10:01:00+08:00' }));
    const o = await byExternal(tid);
    expect(o!.status).toBe('COMPLETED');
    const [origin] = await h.db.query(`SELECT external_status FROM orders.channel_order WHERE order_id = $1`, [o!.id]);
    expect(origin).toEqual({ external_status: 'TRADE_FINISHED' });
    expect(await outboxPayloads(h.db, 'orders.order.paid', o!.id)).toHaveLength(1);
    expect(await outboxPayloads(h.db, 'orders.order.completed', o!.id)).toEqual([expect.objectContaining({ orderId: o!.id, completedAt: '2026-03-05T02:00:00.000Z' })]);
  });

  it('follows the status machine: PAID → COMPLETED → REFUNDED refunds the rest; REFUNDED never becomes PAID again', async () => {
    const tid = 'JD-778899';
    await apply(event({ channel: 'JD', externalOrderId: tid, storeId: 'store-lng-03', updatedAt: '2026-03-01T10:01:00Z' }));
    await apply(event({ channel: 'JD', externalOrderId: tid, storeId: 'store-lng-03', status: 'COMPLETED', updatedAt: '2026-03-03T10:00:00Z' }));
    await apply(event({ channel: 'JD', externalOrderId: tid, storeId: 'store-lng-03', status: 'REFUNDED', updatedAt: '2026-03-09T10:00:00Z' }));
    await apply(event({ channel: 'JD', externalOrderId: tid, storeId: 'store-lng-03', status: 'PAID', updatedAt: '2026-03-10T10:00:00Z' }));
    const o = await byExternal(tid, 'JD');
    expect(o).toMatchObject({ status: 'REFUNDED', franchisee: { id: 'fr-lng-a' }, refundedTotal: { amount: '258.00' }, refunds: [{ status: 'SUCCEEDED', amount: { amount: '258.00' } }] });
    expect(o!.lines.map((l) => l.refundedQuantity)).toEqual([2, 1]);
    expect(await outboxPayloads(h.db, 'orders.order.refunded', o!.id)).toEqual([
      expect.objectContaining({ orderId: o!.id, amountFen: 25800, refundedFen: 25800, paidFen: 25800, fullyRefunded: true, refundedAt: '2026-03-09T10:00:00.000Z' }),
    ]);
    // The store's operator has a rate: the sale and its refund are both booked, each in its own period.
    const splits = await h.db.query(`SELECT kind, gross_fen, commission_fen, to_char(booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM orders.order_split WHERE order_id = $1 ORDER BY booked_at`, [o!.id]);
    expect(splits).toEqual([
      { kind: 'SALE', gross_fen: 25800, commission_fen: 2580, day: '2026-03-01' },
      { kind: 'REFUND', gross_fen: -25800, commission_fen: -2580, day: '2026-03-09' },
    ]);
  });

  it('a first event that is already refunded records the sale and its refund; an unpaid closed one is just CANCELLED', async () => {
    await apply(event({ externalOrderId: 'late-1', status: 'REFUNDED', updatedAt: '2026-03-08T00:00:00Z' }));
    const refunded = await byExternal('late-1');
    expect(refunded).toMatchObject({ status: 'REFUNDED', paidTotal: { amount: '258.00' }, refundedTotal: { amount: '258.00' } });
    expect(await outboxPayloads(h.db, 'orders.order.paid', refunded!.id)).toHaveLength(1);
    expect(await outboxPayloads(h.db, 'orders.order.refunded', refunded!.id)).toHaveLength(1);
    await apply(event({ externalOrderId: 'closed-1', status: 'CANCELLED', paidFen: 0, paidAt: null, updatedAt: '2026-03-08T00:00:00Z' }));
    const closed = await byExternal('closed-1');
    expect(closed).toMatchObject({ status: 'CANCELLED', paidTotal: { amount: '0.00' }, payments: [], refunds: [] });
    expect(await outboxPayloads(h.db, 'orders.order.paid', closed!.id)).toEqual([]);
  });

  it('a paid order closed before it shipped is refunded in full and CANCELLED', async () => {
    await apply(event({ externalOrderId: 'close-paid', updatedAt: '2026-03-01T10:01:00Z' }));
    await apply(event({ externalOrderId: 'close-paid', status: 'CANCELLED', externalStatus: 'TRADE_CLOSED', updatedAt: '2026-03-02T10:00:00Z' }));
    expect(await byExternal('close-paid')).toMatchObject({ status: 'CANCELLED', refundedTotal: { amount: '258.00' } });
  });

  it('takes the member the event names; refuses a payload it cannot apply (redelivered and reported)', async () => {
    await apply(event({ externalOrderId: 'with-member', memberId: 'mem-lng-0002' }));
    expect((await byExternal('with-member'))!.member).toEqual({ id: 'mem-lng-0002' });
    const numeric = { ...event(), externalOrderId: 4012345678901235000 } as unknown as ChannelOrderUpsertedPayload;
    await expect(apply(numeric)).rejects.toThrow(/externalOrderId/);
    await expect(apply(event({ externalOrderId: 'bad-lines', lines: [] }))).rejects.toThrow(/lines/);
  });

  it("creates the order under the event's orderId (channels' id of the trade); later upserts keep it", async () => {
    const orderId = 'ord-5e0c52c8-8a43-5d63-9f8e-1b2f4c6a7d90';
    await apply(event({ externalOrderId: 'with-id', orderId }));
    expect((await byExternal('with-id'))!.id).toBe(orderId);
    expect(await outboxPayloads(h.db, 'orders.order.paid', orderId)).toEqual([expect.objectContaining({ orderId, channel: 'TMALL' })]);
    await apply(event({ externalOrderId: 'with-id', orderId, status: 'COMPLETED', externalStatus: 'TRADE_FINISHED', updatedAt: '2026-03-04T10:00:00+08:00' }));
    expect(await byExternal('with-id')).toMatchObject({ id: orderId, status: 'COMPLETED' });
    expect(await h.db.query(`SELECT order_id FROM orders.channel_order WHERE order_id = $1`, [orderId])).toEqual([{ order_id: orderId }]);
  });

  it('an event without orderId (published before channels named one) still creates the order, under a new id', async () => {
    await apply(event({ externalOrderId: 'without-id' }));
    expect((await byExternal('without-id'))!.id).toMatch(/^ord-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // A stored order keeps its id whatever a later event names.
    const id = (await byExternal('without-id'))!.id;
    await apply(event({ externalOrderId: 'without-id', orderId: 'ord-0b7f2f9e-1111-5222-8333-444455556666', status: 'COMPLETED', updatedAt: '2026-03-04T10:00:00+08:00' }));
    expect(await byExternal('without-id')).toMatchObject({ id, status: 'COMPLETED' });
  });

  it('refuses an orderId that is not an order id', async () => {
    for (const orderId of ['', 'sku-1', 'ord-', 'ord-A B', 42 as unknown as string]) {
      await expect(apply(event({ externalOrderId: 'bad-id', orderId }))).rejects.toThrow(/orderId/);
    }
    expect(await byExternal('bad-id')).toBeNull();
  });

  it('channel orders are fenced like every order', async () => {
    const d = await h.data<{ orderByExternalId: unknown }>(as.csmAdmin, BY_EXTERNAL, { id: TID, channel: 'TMALL' });
    expect(d.orderByExternalId).toBeNull();
  });
});

describe('members.member.merged and members.member.erased', () => {
  beforeAll(async () => {
    await insertOrders(h.db, [
      { id: 'ord-m-1', memberId: 'mem-merge-b', lines: [{ quantity: 1, unitPriceFen: 5000 }], placedAt: '2026-02-01T10:00:00Z' },
      { id: 'ord-m-2', memberId: 'mem-merge-b', lines: [{ quantity: 1, unitPriceFen: 7000 }], placedAt: '2026-02-02T10:00:00Z' },
      { id: 'ord-m-3', memberId: 'mem-merge-a', lines: [{ quantity: 1, unitPriceFen: 1000 }], placedAt: '2026-02-03T10:00:00Z' },
    ]);
  });

  it('re-points the merged member orders to the survivor, once', async () => {
    const merged = { mergeId: 'mrg-1', brandId: 'brand-lng', survivorId: 'mem-merge-a', mergedId: 'mem-merge-b', oneId: 'x', mergedAt: '2026-02-10T00:00:00Z' };
    await h.db.transaction((tx) => applyMemberMerged(tx, merged));
    await h.db.transaction((tx) => applyMemberMerged(tx, merged));
    const d = await h.data<{ _entities: { lifetimeSpend: { amount: string }; orders: { edges: { node: { id: string } }[] } }[] }>(
      { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-merge-a' },
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { lifetimeSpend { amount } orders { edges { node { id } } } } } }`,
      { r: [{ __typename: 'Member', id: 'mem-merge-a' }] },
    );
    expect(d._entities[0]).toEqual({ lifetimeSpend: { amount: '130.00' }, orders: { edges: [{ node: { id: 'ord-m-3' } }, { node: { id: 'ord-m-2' } }, { node: { id: 'ord-m-1' } }] } });
    expect(await h.db.query(`SELECT id FROM orders."order" WHERE member_id = 'mem-merge-b'`)).toEqual([]);
    await expect(h.db.transaction((tx) => applyMemberMerged(tx, { ...merged, survivorId: 'mem-merge-b' }))).rejects.toThrow(/different/);
  });

  describe('erasure (members.member.erased)', () => {
    const buyerOf = async (orderId: string) =>
      (await h.db.query(`SELECT buyer_channel, buyer_app_id, buyer_ref, buyer_external_id FROM orders.channel_order WHERE order_id = $1`, [orderId]))[0];
    const erased = { brandId: 'brand-lng', memberId: 'mem-lng-0007', erasedAt: '2026-03-20T00:00:00Z', accountRefs: ['acr1-erased-buyer'] };
    const NONE = { buyer_channel: null, buyer_app_id: null, buyer_ref: null, buyer_external_id: null };

    it("keeps the orders and amounts and drops the buyer of the member's orders and of every order by its accounts, once", async () => {
      await apply(event({ externalOrderId: 'erase-me', memberId: 'mem-lng-0007' }));
      // Tmall orders channels named no member for, bought with the member's account and with another one.
      await apply(event({ externalOrderId: 'erase-by-ref', buyer: { channel: 'TMALL', appId: 'tb-app', ref: 'acr1-erased-buyer' } }));
      await apply(event({ externalOrderId: 'keep-by-ref', buyer: { channel: 'TMALL', appId: 'tb-app', ref: 'acr1-kept-buyer' } }));
      const [mine, byRef, kept] = await Promise.all(['erase-me', 'erase-by-ref', 'keep-by-ref'].map((id) => byExternal(id)));
      await h.db.transaction((tx) => applyMemberErased(tx, erased));
      await h.db.transaction((tx) => applyMemberErased(tx, erased));
      expect(await buyerOf(mine!.id)).toEqual(NONE);
      expect(await buyerOf(byRef!.id)).toEqual(NONE);
      expect(await buyerOf(kept!.id)).toEqual({ buyer_channel: 'TMALL', buyer_app_id: 'tb-app', buyer_ref: 'acr1-kept-buyer', buyer_external_id: null });
      expect(await byExternal('erase-me')).toMatchObject({ paidTotal: { amount: '258.00' }, member: { id: 'mem-lng-0007' } });
      expect(await byExternal('erase-by-ref')).toMatchObject({ paidTotal: { amount: '258.00' }, status: 'PAID' });
    });

    it('an order placed before the erasure that arrives after it is stored without its buyer; one placed after keeps it', async () => {
      await apply(event({ externalOrderId: 'late-before', placedAt: '2026-03-19T10:00:00+08:00', buyer: { channel: 'TMALL', appId: 'tb-app', ref: 'acr1-erased-buyer' } }));
      await apply(event({ externalOrderId: 'late-after', placedAt: '2026-03-21T10:00:00+08:00', buyer: { channel: 'TMALL', appId: 'tb-app', ref: 'acr1-erased-buyer' } }));
      expect(await buyerOf((await byExternal('late-before'))!.id)).toEqual(NONE);
      expect(await buyerOf((await byExternal('late-after'))!.id)).toMatchObject({ buyer_ref: 'acr1-erased-buyer' });
    });

    it('keeps no open id of an older event, and refuses a payload without erasedAt or with accountRefs that are not refs', async () => {
      await apply(event({ externalOrderId: 'old-event', buyer: { channel: 'TMALL', appId: 'tb-app', externalId: 'tb-open-id-1' } as never }));
      expect(await buyerOf((await byExternal('old-event'))!.id)).toEqual(NONE);
      await expect(h.db.transaction((tx) => applyMemberErased(tx, { ...erased, erasedAt: 'soon' }))).rejects.toThrow(/erasedAt/);
      await expect(h.db.transaction((tx) => applyMemberErased(tx, { ...erased, accountRefs: [''] }))).rejects.toThrow(/accountRefs/);
    });
  });
});
