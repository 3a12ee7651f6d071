import { isUniqueViolation, UserErrorException, type Database, type SubgraphContext } from '@retail/platform';
import { publishGuideChanged } from '../../events/published';
import { insertGuide, type GuideRecord } from '../../store/guides';
import { lockStore } from '../../store/stores';
import { newId } from './newId';
import { forbidden, notFound, runsStores } from './permissions';
import { InputCheck } from './validate';

export interface CreateGuideInput {
  storeId: string;
  name: string;
  wecomUserId?: string | null;
  joinedAt?: Date | null;
}

export async function createGuide(db: Database, ctx: SubgraphContext, input: CreateGuideInput): Promise<{ guide: GuideRecord }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const name = check.text(input.name, ['input', 'name'], 50);
  const wecomUserId = check.wecomUserId(input.wecomUserId, ['input', 'wecomUserId']);
  check.done();
  try {
    return await db.transaction(async (tx) => {
      const store = await lockStore(tx, scope, input.storeId);
      if (!store) throw notFound('store', ['input', 'storeId']);
      if (!store.inScope || !runsStores(scope)) throw forbidden("only the store's brand admins, operator and staff may hire its guides", ['input', 'storeId']);
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
