import { administersBrand, hasScope, InputCheck, operatesStores, UserErrorException } from '@retail/platform';
import { address, location, phone, type AddressInput, type GeoPointInput } from '../domain/store-input';
import { publishStoreChanged } from '../events/publishes';
import type { StoresContext } from '../loaders';
import type { StoreChanges, StoreRecord, StoreStatus } from '../model';
import { franchiseesByIds } from '../repo/franchisees';
import { lockStore, openingHoursOf, updateStore as applyStoreChanges } from '../repo/stores';

export interface UpdateStoreInput {
  storeId: string;
  name?: string | null;
  address?: AddressInput | null;
  location?: GeoPointInput | null;
  phone?: string | null;
  pickupEnabled?: boolean | null;
  status?: StoreStatus | null;
  franchiseeId?: string | null;
}

/** The input's changes, validated. Null clears the nullable fields (location, phone); elsewhere it means "unchanged". */
function changesOf(input: UpdateStoreInput): StoreChanges {
  const check = new InputCheck();
  const c: StoreChanges = {};
  if (input.name != null) c.name = check.text(input.name, ['input', 'name'], 100);
  if (input.address != null) c.address = address(check, input.address, ['input', 'address']);
  if (input.location !== undefined) c.location = location(check, input.location, ['input', 'location']);
  if (input.phone !== undefined) c.phone = phone(check, input.phone, ['input', 'phone']);
  if (input.pickupEnabled != null) c.pickupEnabled = input.pickupEnabled;
  if (input.status != null) c.status = input.status;
  check.done();
  return c;
}

export async function updateStore(ctx: StoresContext, input: UpdateStoreInput): Promise<{ store: StoreRecord }> {
  const { db, scope } = ctx;
  const changes = changesOf(input);
  return db.transaction(async (tx) => {
    const store = await lockStore(tx, scope, input.storeId);
    if (!store) throw UserErrorException.notFound('store', ['input', 'storeId']);
    if (!store.inScope || !operatesStores(scope)) throw UserErrorException.forbidden("only the store's brand admins and operator may edit it", ['input', 'storeId']);

    if (input.franchiseeId != null && input.franchiseeId !== store.franchiseeId) {
      if (!hasScope(ctx.viewer, 'stores:admin') || !administersBrand(scope, store.brandId)) {
        throw UserErrorException.forbidden('handing a store to another operator needs a brand admin with stores:admin', ['input', 'franchiseeId']);
      }
      const [operator] = await franchiseesByIds(tx, scope, [input.franchiseeId]);
      if (!operator) throw UserErrorException.notFound('operator', ['input', 'franchiseeId']);
      if (operator.brandId !== store.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'the operator runs stores of another brand', ['input', 'franchiseeId']);
      // The store's kind is its operator's: a direct store handed to a franchisee becomes a franchise store.
      changes.franchiseeId = operator.id;
      changes.kind = operator.kind;
    }

    if ((changes.status ?? store.status) === 'CLOSED') {
      if (changes.pickupEnabled === true) throw UserErrorException.of('STORE_CLOSED', 'a CLOSED store offers no pickup', ['input', 'pickupEnabled']);
      changes.pickupEnabled = false;
    }

    const updated = await applyStoreChanges(tx, scope, store.id, changes);
    if (!updated) throw UserErrorException.notFound('store', ['input', 'storeId']);
    await publishStoreChanged(tx, updated, await openingHoursOf(tx, [store.id]));
    return { store: updated };
  });
}
