import { SqlParams, storeFence, storeRowFence, type Queryable, type Scope } from '@retail/platform';
import { IN_STORE_CHANNELS, MINI_PROGRAM_CHANNELS, type ChannelSales } from '../domain/kpi';
import type { Period } from '../domain/period';
import { orderFence } from './orders';
import { STORE_DIRECTORY } from './store-directory';

// 门店业绩 and 导购业绩 (docs: the contract's StoreKpi and GuidePerformance): each for many stores or guides and one
// period in ONE statement, so a list of stores costs what one store costs.

/** What a store's KPI is made of, before the sums of domain/kpi.ts. */
export interface StoreKpiRow {
  storeId: string;
  currency: string;
  /** Its orders of the KPI's channels paid in the period, summed per channel. */
  sales: ChannelSales[];
  pickupOrders: number;
  placedOrders: number;
  offHoursOrders: number;
}

/**
 * The KPI inputs of the stores inside the caller's scope (the platform, the brand, the store's current operator,
 * its staff and guides; others are absent): sales by paidAt in the period per channel (paid and refunded so far),
 * store-pickup orders collected there in the period, orders placed here (not Tmall or JD, whose time says nothing of
 * the store) in the period and those of them placed while it was closed (off_hours, set when the order was placed).
 * One statement for all stores.
 */
export async function storeKpiRows(q: Queryable, scope: Scope, storeIds: readonly string[], period: Period): Promise<StoreKpiRow[]> {
  const p = new SqlParams();
  const t = STORE_DIRECTORY.table;
  const from = p.add(period.from);
  const to = p.add(period.to);
  const channels = p.add([...IN_STORE_CHANNELS, ...MINI_PROGRAM_CHANNELS]);
  return q.query<StoreKpiRow>(
    `SELECT d.store_id AS "storeId", COALESCE(s.currency, 'CNY') AS currency, COALESCE(s.sales, '[]'::jsonb) AS sales,
            pk.n::int AS "pickupOrders", pl.placed::int AS "placedOrders", pl.off_hours::int AS "offHoursOrders"
       FROM ${t.table} d
       LEFT JOIN LATERAL (
         SELECT max(c.currency) AS currency, jsonb_agg(jsonb_build_object('channel', c.channel, 'paidFen', c.paid, 'refundedFen', c.refunded, 'orders', c.orders)) AS sales
           FROM (SELECT o.channel, max(o.currency) AS currency, sum(o.paid_fen) AS paid, sum(o.refunded_fen) AS refunded, count(*) FILTER (WHERE o.paid_fen > o.refunded_fen) AS orders
                   FROM orders."order" o
                  WHERE o.store_id = d.store_id AND o.paid_at >= ${from}::timestamptz AND o.paid_at < ${to}::timestamptz AND o.channel = ANY(${channels}::text[])
                  GROUP BY o.channel) c
       ) s ON TRUE
       CROSS JOIN LATERAL (
         SELECT count(*) AS n FROM orders."order" o
          WHERE o.pickup_store_id = d.store_id AND o.picked_up_at >= ${from}::timestamptz AND o.picked_up_at < ${to}::timestamptz
       ) pk
       CROSS JOIN LATERAL (
         SELECT count(*) AS placed, count(*) FILTER (WHERE o.off_hours) AS off_hours FROM orders."order" o
          WHERE o.store_id = d.store_id AND o.placed_at >= ${from}::timestamptz AND o.placed_at < ${to}::timestamptz AND o.channel = ANY(${channels}::text[])
       ) pl
      WHERE d.store_id = ANY(${p.add(storeIds)}::text[]) AND ${storeFence(scope, p, t, 'd')}`,
    p.values,
  );
}

/** A guide's attributed sales over a period: paid minus refunded of its orders paid in the period. */
export interface GuidePerformanceRow {
  guideId: string;
  currency: string;
  orders: number;
  salesFen: number;
}

/**
 * The performance of the guides inside the caller's scope (the platform, the brand, the operator of the guide's
 * store, its staff, the guide itself; others are absent): its attributed orders paid in the period, on every
 * channel, each counted paid minus refunded; an order refunded in full adds nothing and is not counted. One statement.
 */
export async function guidePerformanceRows(q: Queryable, scope: Scope, guideIds: readonly string[], period: Period): Promise<GuidePerformanceRow[]> {
  const p = new SqlParams();
  return q.query<GuidePerformanceRow>(
    `SELECT g.guide_id AS "guideId", COALESCE(s.currency, 'CNY') AS currency, COALESCE(s.orders, 0)::int AS orders, COALESCE(s.sales, 0)::bigint AS "salesFen"
       FROM orders.guide_directory g
       CROSS JOIN LATERAL (
         SELECT max(o.currency) AS currency, count(*) FILTER (WHERE o.paid_fen > o.refunded_fen) AS orders, sum(o.paid_fen - o.refunded_fen) AS sales
           FROM orders."order" o
          WHERE o.guide_id = g.guide_id AND o.paid_at >= ${p.add(period.from)}::timestamptz AND o.paid_at < ${p.add(period.to)}::timestamptz
       ) s
      WHERE g.guide_id = ANY(${p.add(guideIds)}::text[])
        AND ${storeRowFence(scope, p, STORE_DIRECTORY.table, { brand: 'g.brand_id', store: 'g.store_id', guide: 'g.guide_id' })}`,
    p.values,
  );
}

/** 累计消费 of a member: paid minus refunded over its paid orders on every channel. */
export interface LifetimeSpendRow {
  memberId: string;
  currency: string;
  spendFen: number;
}

/**
 * The lifetime spend of members over the orders the caller may see (orders' own fence: the member itself and its
 * brand see all; an operator, a store or a guide only the orders in their reach). A member without such orders
 * is absent. One statement.
 */
export async function lifetimeSpendRows(q: Queryable, scope: Scope, memberIds: readonly string[]): Promise<LifetimeSpendRow[]> {
  const p = new SqlParams();
  return q.query<LifetimeSpendRow>(
    `SELECT o.member_id AS "memberId", max(o.currency) AS currency, sum(o.paid_fen - o.refunded_fen)::bigint AS "spendFen"
       FROM orders."order" o
      WHERE o.member_id = ANY(${p.add(memberIds)}::text[]) AND o.paid_at IS NOT NULL AND ${orderFence(scope, p)}
      GROUP BY o.member_id`,
    p.values,
  );
}
