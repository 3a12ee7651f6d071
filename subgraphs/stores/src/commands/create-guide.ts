import { InputCheck, isUniqueViolation, newId, runsStores, UserErrorException } from '@retail/platform';
import { wecomUserId as checkWecomUserId } from '../domain/store-input';
import { publishGuideChanged } from '../events/publishes';
import type { StoresContext } from '../loaders';
import type { GuideRecord } from '../model';
import { insertGuide } from '../repo/guides';
import { lockStore } from '../repo/stores';

export interface CreateGuideInput {
  storeId: string;
  name: string;
  wecomUserId?: string | null;
  joinedAt?: Date | null;
}

export async function createGuide(ctx: StoresContext, input: CreateGuideInput): Promise<{ guide: GuideRecord }> {
  const { db, scope } = ctx;
  const check = new InputCheck();
  const name = check.text(input.name, ['input', 'name'], 50);
  const wecomUserId = checkWecomUserId(check, input.wecomUserId, ['input', 'wecomUserId']);
  check.done();
  try {
    return await db.transaction(async (tx) => {
      const store = await lockStore(tx, scope, input.storeId);
      if (!store) throw UserErrorException.notFound('store', ['input', 'storeId']);
      if (!store.inScope || !runsStores(scope)) throw UserErrorException.forbidden("only the store's brand admins, operator and staff may hire its guides", ['input', 'storeId']);
      if (store.status === 'CLOSED') throw UserErrorException.of('STORE_CLOSED', 'the store is CLOSED', ['input', 'storeId']);
      const guide = await insertGuide(tx, { id: newId('gd'), brandId: store.brandId, storeId: store.id, name, wecomUserId, joinedAt: input.joinedAt ?? new Date() });
      await publishGuideChanged(tx, guide);
      return { guide };
    });
  } catch (e) {
    if (isUniqueViolation(e, 'guide_brand_wecom_key')) throw UserErrorException.of('ALREADY_EXISTS', `another guide of the brand has WeCom userid ${wecomUserId}`, ['input', 'wecomUserId']);
    throw e;
  }
}
