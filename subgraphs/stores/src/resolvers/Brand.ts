import type { Database, SubgraphContext } from '@retail/platform';
import { loadersOf } from '../loaders';
import type { BrandRecord } from '../store/brands';
import { connectionOf, pageRequest } from '../store/paging';

/** Code and name are public; the group and the operators only for callers inside the brand. */
export function brandResolvers(db: Database) {
  return {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => loadersOf(db, ctx).brand.load(ref.id),
    group: (b: BrandRecord) => (b.inScope ? b.groupId : null),
    franchisees: async (b: BrandRecord, args: { first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
      if (!b.inScope) return null;
      const page = pageRequest(args);
      return connectionOf(await loadersOf(db, ctx).franchiseesOfBrand(page).load(b.id), page.first);
    },
  };
}
