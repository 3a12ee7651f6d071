import type { ProductsContext } from '../loaders';
import type { ReservationLine } from '../model';

export const StockReservationLine = {
  sku: (l: ReservationLine, _: unknown, ctx: ProductsContext) => ctx.loaders.sku.load(l.skuId),
};
