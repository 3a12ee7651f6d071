import type { StoresContext } from '../loaders';
import type { GuideRecord } from '../model';

/** A Guide record exists only inside the caller's scope (the loaders fence it). */
export const Guide = {
  __resolveReference: (ref: { id: string }, ctx: StoresContext) => ctx.loaders.guide.load(ref.id),
  store: (g: GuideRecord, _: unknown, ctx: StoresContext) => ctx.loaders.store.load(g.storeId),
};
