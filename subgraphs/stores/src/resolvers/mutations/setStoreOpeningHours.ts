import type { Database, SubgraphContext } from '@retail/platform';
import { publishStoreChanged } from '../../events/published';
import type { OpeningHours } from '../../openingHours';
import { lockStore, replaceOpeningHours, updateStore, type StoreRecord } from '../../store/stores';
import { forbidden, notFound, runsStores } from './permissions';
import { InputCheck } from './validate';

export interface SetStoreOpeningHoursInput {
  storeId: string;
  openingHours: OpeningHours[];
}

export async function setStoreOpeningHours(db: Database, ctx: SubgraphContext, input: SetStoreOpeningHoursInput): Promise<{ store: StoreRecord }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const hours = check.openingHours(input.openingHours, ['input', 'openingHours']);
  check.done();
  return db.transaction(async (tx) => {
    const store = await lockStore(tx, scope, input.storeId);
    if (!store) throw notFound('store', ['input', 'storeId']);
    if (!store.inScope || !runsStores(scope)) throw forbidden("only the store's brand admins, operator and staff may set its opening hours", ['input', 'storeId']);
    await replaceOpeningHours(tx, store.id, hours);
    const updated = (await updateStore(tx, scope, store.id, {})) ?? store;
    await publishStoreChanged(tx, updated, hours);
    return { store: updated };
  });
}
