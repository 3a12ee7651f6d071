import type { SubgraphContext, SubgraphDeps } from '@retail/platform';
import { catalogLoaders } from '../loaders';
import type { Reservation, ReservationLine } from '../model';

/** StockReservation (internal): the reservation as the mutation stored it. */
export function stockReservationResolvers() {
  return {
    store: (r: Reservation) => ({ __typename: 'Store', id: r.storeId }),
  };
}

export function stockReservationLineResolvers({ db }: SubgraphDeps) {
  return {
    sku: (l: ReservationLine, _: unknown, ctx: SubgraphContext) => catalogLoaders(db, ctx).sku.load(l.skuId),
  };
}
