import type { Database, SubgraphContext } from '@retail/platform';
import { loadersOf } from '../loaders';
import { toOpeningHours } from '../openingHours';
import type { GuideStatus } from '../store/guides';
import { connectionOf, pageRequest } from '../store/paging';
import type { StoreRecord } from '../store/stores';

/** A store's public face for anyone; its operator and guides only inside the caller's scope. */
export function storeResolvers(db: Database) {
  return {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => loadersOf(db, ctx).store.load(ref.id),
    brand: (s: StoreRecord, _: unknown, ctx: SubgraphContext) => loadersOf(db, ctx).brand.load(s.brandId),
    franchisee: (s: StoreRecord, _: unknown, ctx: SubgraphContext) => (s.inScope ? loadersOf(db, ctx).franchisee.load(s.franchiseeId) : null),
    openingHours: async (s: StoreRecord, _: unknown, ctx: SubgraphContext) => (await loadersOf(db, ctx).openingHours.load(s.id)).map(toOpeningHours),
    guides: async (s: StoreRecord, args: { status?: GuideStatus | null; first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
      if (!s.inScope) return null;
      const page = pageRequest(args);
      return connectionOf(await loadersOf(db, ctx).guidesOfStore(args.status ?? null, page).load(s.id), page.first);
    },
  };
}
