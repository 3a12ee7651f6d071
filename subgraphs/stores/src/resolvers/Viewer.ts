import type { Viewer as ViewerRecord } from '@retail/platform';
import type { StoresContext } from '../loaders';

/** The caller's own objects, each through its (fenced) loader. */
export const Viewer = {
  brand: (v: ViewerRecord, _: unknown, ctx: StoresContext) => (v.brandId ? ctx.loaders.brand.load(v.brandId) : null),
  franchisee: (v: ViewerRecord, _: unknown, ctx: StoresContext) => (v.franchiseeId ? ctx.loaders.franchisee.load(v.franchiseeId) : null),
  store: (v: ViewerRecord, _: unknown, ctx: StoresContext) => (v.storeId ? ctx.loaders.store.load(v.storeId) : null),
  guide: (v: ViewerRecord, _: unknown, ctx: StoresContext) => (v.guideId ? ctx.loaders.guide.load(v.guideId) : null),
  member: (v: ViewerRecord) => (v.memberId ? { __typename: 'Member', id: v.memberId } : null),
};
