import DataLoader from 'dataloader';
import { byKeys, connectionOf, entityLoader, groupByKeys, loaderFamily, pageKey, pageRequest, pagesLoader, type Database, type Page, type PageArgs, type PageRequest, type Scope, type SubgraphContext } from '@retail/platform';
import type { GraphQLResolveInfo } from 'graphql';
import { periodKey, type Period } from './domain/period';
import type { OrderLineRecord, OrderRecord, PaymentRecord, RefundRecord } from './model';
import { guidePerformanceRows, lifetimeSpendRows, storeKpiRows, type GuidePerformanceRow, type LifetimeSpendRow, type StoreKpiRow } from './repo/kpi';
import { linesOfOrders, ordersByIds, ordersOfParents, paymentsOfOrders, type OrderConditions, type OrderParent } from './repo/orders';
import { refundsOfOrders } from './repo/refunds';
import type { OrdersSettings } from './settings';

/** A nested order list's loader name: its parent kind, filter and page. */
const listKey = ({ parent, filter, page }: { parent: OrderParent; filter: OrderConditions; page: PageRequest }) => JSON.stringify([parent, filter, pageKey(page)]);

/**
 * The request's DataLoaders over the repositories, built once per request for the caller's scope: one SQL
 * statement per entity type (and per nested list with the same arguments) per level of the query.
 */
export function createLoaders(db: Database, scope: Scope) {
  return {
    order: entityLoader((ids) => ordersByIds(db, scope, ids)),
    /** An order's lines (the order was fenced already). */
    lines: new DataLoader<string, OrderLineRecord[]>(async (ids) => groupByKeys(ids, await linesOfOrders(db, ids), (r) => r.orderId)),
    /** An order's payments (the order was fenced already). */
    payments: new DataLoader<string, PaymentRecord[]>(async (ids) => groupByKeys(ids, await paymentsOfOrders(db, ids), (r) => r.orderId)),
    /** One page of the orders of each store, guide or member (Store.orders, Guide.attributedOrders, Member.orders). */
    ordersOf: loaderFamily(listKey, ({ parent, filter, page }) => pagesLoader<OrderRecord>((ids) => ordersOfParents(db, scope, parent, ids, filter, page))),
    /** An order's refunds, oldest first (the order was fenced already). */
    refunds: new DataLoader<string, RefundRecord[]>(async (ids) => groupByKeys(ids, await refundsOfOrders(db, ids), (r) => r.orderId)),
    /** Store.kpi of many stores for one period: one statement (stores outside the scope get null). */
    storeKpi: loaderFamily(periodKey, (period: Period) => new DataLoader<string, StoreKpiRow | null>(async (ids) => byKeys(ids, await storeKpiRows(db, scope, ids, period), (r) => r.storeId))),
    /** Guide.performance of many guides for one period: one statement (guides outside the scope get null). */
    guidePerformance: loaderFamily(periodKey, (period: Period) => new DataLoader<string, GuidePerformanceRow | null>(async (ids) => byKeys(ids, await guidePerformanceRows(db, scope, ids, period), (r) => r.guideId))),
    /** Member.lifetimeSpend over the orders in the caller's scope: one statement for all members. */
    lifetimeSpend: new DataLoader<string, LifetimeSpendRow | null>(async (ids) => byKeys(ids, await lifetimeSpendRows(db, scope, ids), (r) => r.memberId)),
  };
}

export type OrdersLoaders = ReturnType<typeof createLoaders>;
export type OrdersContext = SubgraphContext<OrdersLoaders, OrdersSettings>;

/**
 * The resolver of a nested order list (Store.orders, Guide.attributedOrders, Member.orders): the same page for every
 * parent of the request's level in one statement, each order fenced.
 */
export const orderListOf =
  (parent: OrderParent) => async (x: { id: string }, args: PageArgs & { filter?: OrderConditions | null }, ctx: OrdersContext, info: GraphQLResolveInfo) => {
    const page = pageRequest(args, info);
    return connectionOf(primeOrders(ctx.loaders, await ctx.loaders.ordersOf({ parent, filter: args.filter ?? {}, page }).load(x.id)), page.first);
  };

/** Orders a list already read need no second statement when another path of the request asks for them. */
export function primeOrders<P extends Page<OrderRecord>>(l: OrdersLoaders, page: P): P {
  for (const o of page.rows) l.order.prime(o.id, o);
  return page;
}
