import type { Database, SubgraphContext, Viewer } from '@retail/platform';
import { loadersOf } from '../loaders';

/** The caller's own objects, each through its (fenced) loader. */
export function viewerResolvers(db: Database) {
  return {
    brand: (v: Viewer, _: unknown, ctx: SubgraphContext) => (v.brandId ? loadersOf(db, ctx).brand.load(v.brandId) : null),
    franchisee: (v: Viewer, _: unknown, ctx: SubgraphContext) => (v.franchiseeId ? loadersOf(db, ctx).franchisee.load(v.franchiseeId) : null),
    store: (v: Viewer, _: unknown, ctx: SubgraphContext) => (v.storeId ? loadersOf(db, ctx).store.load(v.storeId) : null),
    guide: (v: Viewer, _: unknown, ctx: SubgraphContext) => (v.guideId ? loadersOf(db, ctx).guide.load(v.guideId) : null),
    member: (v: Viewer) => (v.memberId ? { __typename: 'Member', id: v.memberId } : null),
  };
}
