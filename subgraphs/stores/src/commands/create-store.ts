import { administersBrand, InputCheck, isUniqueViolation, newId, UserErrorException } from '@retail/platform';
import type { OpeningHours } from '../domain/opening-hours';
import { address, location, openingHours, phone, storeCode, type AddressInput, type GeoPointInput } from '../domain/store-input';
import { publishStoreChanged } from '../events/publishes';
import type { StoresContext } from '../loaders';
import type { OperationKind, StoreRecord } from '../model';
import { franchiseesByIds } from '../repo/franchisees';
import { insertStore, replaceOpeningHours } from '../repo/stores';

export interface CreateStoreInput {
  brandId: string;
  franchiseeId: string;
  code: string;
  name: string;
  kind: OperationKind;
  address: AddressInput;
  location?: GeoPointInput | null;
  phone?: string | null;
  openingHours?: OpeningHours[] | null;
  pickupEnabled?: boolean | null;
}

export async function createStore(ctx: StoresContext, input: CreateStoreInput): Promise<{ store: StoreRecord }> {
  const { db, scope } = ctx;
  if (!administersBrand(scope, input.brandId)) throw UserErrorException.forbidden("only the brand's admins may open its stores", ['input', 'brandId']);
  const check = new InputCheck();
  const fields = {
    code: storeCode(check, input.code, ['input', 'code']),
    name: check.text(input.name, ['input', 'name'], 100),
    address: address(check, input.address, ['input', 'address']),
    location: location(check, input.location, ['input', 'location']),
    phone: phone(check, input.phone, ['input', 'phone']),
  };
  const hours = openingHours(check, input.openingHours, ['input', 'openingHours']);
  check.done();

  const [operator] = await franchiseesByIds(db, scope, [input.franchiseeId]);
  if (!operator) throw UserErrorException.notFound('operator', ['input', 'franchiseeId']);
  if (operator.brandId !== input.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'the operator runs stores of another brand', ['input', 'franchiseeId']);
  if (operator.kind !== input.kind) throw UserErrorException.of('INVALID_INPUT', `a ${operator.kind} operator runs ${operator.kind} stores`, ['input', 'kind']);

  try {
    return await db.transaction(async (tx) => {
      const store = await insertStore(tx, scope, {
        id: newId('store'),
        brandId: input.brandId,
        franchiseeId: operator.id,
        kind: operator.kind,
        ...fields,
        pickupEnabled: input.pickupEnabled ?? false,
        status: 'OPEN',
      });
      await replaceOpeningHours(tx, store.id, hours);
      await publishStoreChanged(tx, store, hours);
      return { store };
    });
  } catch (e) {
    if (isUniqueViolation(e, 'store_brand_code_key')) throw UserErrorException.of('ALREADY_EXISTS', `the brand already has a store with code ${fields.code}`, ['input', 'code']);
    throw e;
  }
}
