import { hasScope, UserErrorException, type Database, type SubgraphContext } from '@retail/platform';
import { publishStoreChanged } from '../../events/published';
import { franchiseesByIds } from '../../store/franchisees';
import { lockStore, openingHoursOf, updateStore as applyStoreChanges, type StoreChanges, type StoreRecord, type StoreStatus } from '../../store/stores';
import { administersBrand, editsStores, forbidden, notFound } from './permissions';
import { InputCheck, type AddressInput, type GeoPointInput } from './validate';

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
  if (input.address != null) c.address = check.address(input.address, ['input', 'address']);
  if (input.location !== undefined) c.location = check.location(input.location, ['input', 'location']);
  if (input.phone !== undefined) c.phone = check.phone(input.phone, ['input', 'phone']);
  if (input.pickupEnabled != null) c.pickupEnabled = input.pickupEnabled;
  if (input.status != null) c.status = input.status;
  check.done();
  return c;
}

export async function updateStore(db: Database, ctx: SubgraphContext, input: UpdateStoreInput): Promise<{ store: StoreRecord }> {
  const { scope } = ctx;
  const changes = changesOf(input);
  return db.transaction(async (tx) => {
    const store = await lockStore(tx, scope, input.storeId);
    if (!store) throw notFound('store', ['input', 'storeId']);
    if (!store.inScope || !editsStores(scope)) throw forbidden("only the store's brand admins and operator may edit it", ['input', 'storeId']);

    if (input.franchiseeId != null && input.franchiseeId !== store.franchiseeId) {
      if (!hasScope(ctx.viewer, 'stores:admin') || !administersBrand(scope, store.brandId)) {
        throw forbidden('handing a store to another operator needs a brand admin with stores:admin', ['input', 'franchiseeId']);
      }
      const [operator] = await franchiseesByIds(tx, scope, [input.franchiseeId]);
      if (!operator) throw notFound('operator', ['input', 'franchiseeId']);
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
    if (!updated) throw notFound('store', ['input', 'storeId']);
    await publishStoreChanged(tx, updated, await openingHoursOf(tx, [store.id]));
    return { store: updated };
  });
}
