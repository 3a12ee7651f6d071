import { InputCheck, runsStores, UserErrorException } from '@retail/platform';
import type { OpeningHours } from '../domain/opening-hours';
import { openingHours } from '../domain/store-input';
import { publishStoreChanged } from '../events/publishes';
import type { StoresContext } from '../loaders';
import type { StoreRecord } from '../model';
import { lockStore, replaceOpeningHours, updateStore } from '../repo/stores';

export interface SetStoreOpeningHoursInput {
  storeId: string;
  openingHours: OpeningHours[];
}

export async function setStoreOpeningHours(ctx: StoresContext, input: SetStoreOpeningHoursInput): Promise<{ store: StoreRecord }> {
  const { db, scope } = ctx;
  const check = new InputCheck();
  const hours = openingHours(check, input.openingHours, ['input', 'openingHours']);
  check.done();
  return db.transaction(async (tx) => {
    const store = await lockStore(tx, scope, input.storeId);
    if (!store) throw UserErrorException.notFound('store', ['input', 'storeId']);
    if (!store.inScope || !runsStores(scope)) throw UserErrorException.forbidden("only the store's brand admins, operator and staff may set its opening hours", ['input', 'storeId']);
    await replaceOpeningHours(tx, store.id, hours);
    const updated = (await updateStore(tx, scope, store.id, {})) ?? store;
    await publishStoreChanged(tx, updated, hours);
    return { store: updated };
  });
}
