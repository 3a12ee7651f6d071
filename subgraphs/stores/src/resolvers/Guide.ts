import type { Database, SubgraphContext } from '@retail/platform';
import { loadersOf } from '../loaders';
import type { GuideRecord } from '../store/guides';

/** A Guide record exists only inside the caller's scope (the loaders fence it). */
export function guideResolvers(db: Database) {
  return {
    __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => loadersOf(db, ctx).guide.load(ref.id),
    store: (g: GuideRecord, _: unknown, ctx: SubgraphContext) => loadersOf(db, ctx).store.load(g.storeId),
  };
}
