import { runsStores, UserErrorException } from '@retail/platform';
import { publishGuideChanged } from '../events/publishes';
import type { StoresContext } from '../loaders';
import type { GuideRecord } from '../model';
import { lockGuide, markGuideLeft as recordLeft } from '../repo/guides';

export interface MarkGuideLeftInput {
  guideId: string;
  leftAt?: Date | null;
}

/** Clock skew allowed for a client's "now". */
const SKEW_MS = 5 * 60_000;

export async function markGuideLeft(ctx: StoresContext, input: MarkGuideLeftInput): Promise<{ guide: GuideRecord }> {
  const { db, scope } = ctx;
  const leftAt = input.leftAt ?? new Date();
  if (leftAt.getTime() > Date.now() + SKEW_MS) throw UserErrorException.of('INVALID_INPUT', 'leftAt may not be in the future', ['input', 'leftAt']);
  return db.transaction(async (tx) => {
    const guide = await lockGuide(tx, scope, input.guideId);
    if (!guide) throw UserErrorException.notFound('guide', ['input', 'guideId']);
    if (!runsStores(scope)) throw UserErrorException.forbidden("only the store's brand admins, operator and staff may record a guide's leaving", ['input', 'guideId']);
    if (guide.status !== 'ACTIVE') throw UserErrorException.of('INVALID_TRANSITION', `the guide is ${guide.status}, not ACTIVE`, ['input', 'guideId']);
    if (leftAt < guide.joinedAt) throw UserErrorException.of('INVALID_INPUT', `leftAt is before the guide joined (${guide.joinedAt.toISOString()})`, ['input', 'leftAt']);
    const left = await recordLeft(tx, scope, guide.id, leftAt);
    if (!left) throw UserErrorException.of('CONFLICT', 'the guide changed meanwhile; read again and retry', ['input', 'guideId']);
    await publishGuideChanged(tx, left);
    return { guide: left };
  });
}
