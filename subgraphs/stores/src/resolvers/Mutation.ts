import { payloadFrom, type Database, type SubgraphContext } from '@retail/platform';
import { createFranchisee } from './mutations/createFranchisee';
import { createGuide } from './mutations/createGuide';
import { createStore } from './mutations/createStore';
import { markGuideLeft } from './mutations/markGuideLeft';
import { setStoreOpeningHours } from './mutations/setStoreOpeningHours';
import { updateStore } from './mutations/updateStore';

type MutationBody<I, T extends object> = (db: Database, ctx: SubgraphContext, input: I) => Promise<T>;

export function mutationResolvers(db: Database) {
  // Every mutation: one input, a payload whose business failures are userErrors.
  const field =
    <I, T extends object>(body: MutationBody<I, T>) =>
    (_: unknown, { input }: { input: I }, ctx: SubgraphContext) =>
      payloadFrom(() => body(db, ctx, input));
  return {
    createFranchisee: field(createFranchisee),
    createStore: field(createStore),
    updateStore: field(updateStore),
    setStoreOpeningHours: field(setStoreOpeningHours),
    createGuide: field(createGuide),
    markGuideLeft: field(markGuideLeft),
  };
}
