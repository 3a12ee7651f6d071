import DataLoader from 'dataloader';
import { byKeys, entityLoader, loaderFamily, pageKey, pagesLoader, type Database, type PageRequest, type Scope, type SubgraphContext } from '@retail/platform';
import type { OrderOriginRecord } from './model';
import { connectionsByIds } from './repo/connections';
import { couponsByIds, couponsOfMembers, type CouponRecord } from './repo/coupons';
import { eventsByIds } from './repo/events';
import { originsOfOrders } from './repo/order-origins';
import type { ChannelsSettings } from './settings';

/**
 * The request's DataLoaders over the repositories, built once per request for the caller's scope: one SQL
 * statement per entity type per level of the query.
 */
export function createLoaders(db: Database, scope: Scope) {
  const connection = entityLoader((ids) => connectionsByIds(db, scope, ids));
  return {
    connection,
    event: entityLoader((ids) => eventsByIds(db, scope, ids)),
    coupon: entityLoader((ids) => couponsByIds(db, scope, ids)),
    couponsOfMember: loaderFamily(pageKey, (page: PageRequest) => pagesLoader<CouponRecord>((ids) => couponsOfMembers(db, scope, ids, page))),
    /** Order.channelOrigin by order id; the origins' connections come with them (read in the same statement). */
    orderOrigin: new DataLoader<string, OrderOriginRecord | null>(async (orderIds) => {
      const origins = await originsOfOrders(db, scope, orderIds);
      for (const o of origins) connection.prime(o.connection.id, o.connection);
      return byKeys(orderIds, origins, (o) => o.orderId);
    }),
  };
}

export type ChannelsLoaders = ReturnType<typeof createLoaders>;
export type ChannelsContext = SubgraphContext<ChannelsLoaders, ChannelsSettings>;
