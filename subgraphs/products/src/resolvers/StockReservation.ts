import type { Reservation } from '../model';

/** StockReservation (internal): the reservation as the mutation stored it. */
export const StockReservation = {
  store: (r: Reservation) => ({ __typename: 'Store', id: r.storeId }),
};
