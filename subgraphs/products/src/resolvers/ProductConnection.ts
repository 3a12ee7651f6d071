import type { Connection } from '@retail/platform';
import type { Product } from '../model';

/** What Query.products returns: the page, and the total counted only when asked for. */
export interface ProductConnectionSource extends Connection<Product> {
  count(): Promise<number>;
}

export function productConnectionResolvers() {
  return {
    totalCount: (conn: ProductConnectionSource) => conn.count(),
  };
}
