import { isUniqueViolation, UserErrorException, type Database, type SubgraphContext } from '@retail/platform';
import { publishStoreChanged } from '../../events/published';
import type { OpeningHours } from '../../openingHours';
import { franchiseesByIds } from '../../store/franchisees';
import { insertStore, replaceOpeningHours, type OperationKind, type StoreRecord } from '../../store/stores';
import { newId } from './newId';
import { administersBrand, forbidden, notFound } from './permissions';
import { InputCheck, type AddressInput, type GeoPointInput } from './validate';

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

export async function createStore(db: Database, ctx: SubgraphContext, input: CreateStoreInput): Promise<{ store: StoreRecord }> {
  const { scope } = ctx;
  if (!administersBrand(scope, input.brandId)) throw forbidden("only the brand's admins may open its stores", ['input', 'brandId']);
  const check = new InputCheck();
  const fields = {
    code: check.storeCode(input.code, ['input', 'code']),
    name: check.text(input.name, ['input', 'name'], 100),
    address: check.address(input.address, ['input', 'address']),
    location: check.location(input.location, ['input', 'location']),
    phone: check.phone(input.phone, ['input', 'phone']),
  };
  const hours = check.openingHours(input.openingHours, ['input', 'openingHours']);
  check.done();

  const [operator] = await franchiseesByIds(db, scope, [input.franchiseeId]);
  if (!operator) throw notFound('operator', ['input', 'franchiseeId']);
  if (operator.brandId !== input.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'the operator runs stores of another brand', ['input', 'franchiseeId']);
  if (operator.kind !== input.kind) throw UserErrorException.of('INVALID_INPUT', `a ${operator.kind} operator runs ${operator.kind} stores`, ['input', 'kind']);

  try {
    return await db.transaction(async (tx) => {
      const store = await insertStore(tx, scope, {
        id: newId('st'),
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
