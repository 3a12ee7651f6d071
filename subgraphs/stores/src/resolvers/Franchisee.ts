import type { Database, SubgraphContext } from '@retail/platform';
import { loadersOf, primeStores } from '../loaders';
import type { FranchiseeRecord } from '../store/franchisees';
import { connectionOf, pageRequest } from '../store/paging';

/** A Franchisee record exists only inside the caller's scope (the loaders fence it). */
export function franchiseeResolvers(db: Database) {
  return {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => loadersOf(db, ctx).franchisee.load(ref.id),
    brand: (f: FranchiseeRecord, _: unknown, ctx: SubgraphContext) => loadersOf(db, ctx).brand.load(f.brandId),
    stores: async (f: FranchiseeRecord, args: { first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
      const page = pageRequest(args);
      const loaders = loadersOf(db, ctx);
      return connectionOf(primeStores(loaders, await loaders.storesOfFranchisee(page).load(f.id)), page.first);
    },
  };
}
