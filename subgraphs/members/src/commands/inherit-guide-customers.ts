import { InputCheck, runsStores, UserErrorException, userError, type Scope, type Transaction } from '@retail/platform';
import { distinct, spreadCustomers } from '../domain/guide-handover';
import { publishGuideHandover } from '../events/publishes';
import type { MembersContext } from '../loaders';
import type { GuideEntry } from '../model';
import { lockCustomersOf, lockGuideHandover, moveGuides } from '../repo/guide-assignments';
import { GUIDE_DIRECTORY, guidesInScope } from '../repo/guide-directory';
import { STORE_DIRECTORY } from '../repo/store-directory';

export interface InheritGuideCustomersInput {
  fromGuideId: string;
  toGuideIds?: string[] | null;
}

/** At most this many heirs per inheritGuideCustomers. */
export const MAX_HEIRS = 100;

/**
 * 离职继承: hands every customer of a guide who LEFT to ACTIVE guides of its store: one named heir takes all, several
 * share them evenly (counts differ by at most one; customers in id order go round the heirs in the order named),
 * none named means all ACTIVE guides of the store (by id). Each move is a guide history row INHERITED_ON_LEAVE.
 * Handovers of one guide queue on a lock, so parallel calls move each customer once and a later call finds none
 * (movedCount 0). Without any ACTIVE heir the customers stay with the guide, awaiting handover (GUIDE_NOT_ACTIVE).
 * Who may: as assignGuide (the platform, the brand's admins, the store's operator and staff); the customers moved
 * are those inside the caller's fence.
 */
export async function inheritGuideCustomers(
  ctx: MembersContext,
  input: InheritGuideCustomersInput,
): Promise<{ fromGuide: { id: string }; movedCount: number; handoverId: string | null; handovers: { guide: { id: string }; count: number }[] }> {
  const { scope } = ctx;
  const check = new InputCheck();
  const fromGuideId = check.text(input.fromGuideId, ['input', 'fromGuideId'], 64);
  const named = input.toGuideIds ?? null;
  if (named !== null) {
    check.require(named.length >= 1 && named.length <= MAX_HEIRS, ['input', 'toGuideIds'], `name 1 to ${MAX_HEIRS} heirs, or omit toGuideIds for all active guides of the store`);
    named.forEach((id, i) => check.require(id.trim().length > 0 && id.length <= 64, ['input', 'toGuideIds', String(i)], 'must be a guide id'));
  }
  check.done();
  if (!runsStores(scope)) throw UserErrorException.forbidden('only the brand, the store operator and store staff hand over customers', ['input', 'fromGuideId']);

  const found = await GUIDE_DIRECTORY.byId(ctx.db, fromGuideId);
  if (!found) throw UserErrorException.notFound('guide', ['input', 'fromGuideId']);
  const operator = await STORE_DIRECTORY.operatorBeforeWrite(ctx, found.storeId);

  return ctx.db.transaction(async (tx) => {
    await lockGuideHandover(tx, fromGuideId);
    const from = await GUIDE_DIRECTORY.byId(tx, fromGuideId);
    const store = from && (await STORE_DIRECTORY.withFence(tx, scope, from.storeId, from.storeId === operator?.storeId ? operator : null));
    if (!from || !store?.inScope) throw UserErrorException.notFound('guide', ['input', 'fromGuideId']);
    if (from.status !== 'LEFT') throw UserErrorException.of('GUIDE_NOT_LEFT', `guide ${from.guideId} is still ACTIVE`, ['input', 'fromGuideId']);

    const heirs = named === null ? await GUIDE_DIRECTORY.activeOfStore(tx, from.storeId) : await namedHeirs(tx, scope, from, named);
    const customers = await lockCustomersOf(tx, scope, from.guideId);
    if (customers.length === 0) return { fromGuide: { id: from.guideId }, movedCount: 0, handoverId: null, handovers: [] };
    if (heirs.length === 0) {
      throw UserErrorException.of('GUIDE_NOT_ACTIVE', `store ${from.storeId} has no ACTIVE guide to inherit the customers; they stay awaiting handover`, ['input', 'toGuideIds']);
    }
    const { moves, handovers } = spreadCustomers(customers, heirs.map((g) => g.guideId));
    const moved = await moveGuides(tx, moves);
    const handoverId = await publishGuideHandover(tx, { brandId: from.brandId, kind: 'INHERIT', moves, ...moved });
    return { fromGuide: { id: from.guideId }, movedCount: moves.length, handoverId, handovers: handovers.map((h) => ({ guide: { id: h.guideId }, count: h.count })) };
  });
}

/**
 * The heirs named, each an ACTIVE guide of the leaver's store, in the order first named; every fault reported. A
 * guide outside the caller's fence is NOT_FOUND, whatever store it works at.
 */
async function namedHeirs(tx: Transaction, scope: Scope, from: GuideEntry, named: readonly string[]): Promise<GuideEntry[]> {
  const ids = distinct(named);
  const known = new Map((await GUIDE_DIRECTORY.byIds(tx, ids)).map((g) => [g.guideId, g] as const));
  const reached = new Set(await guidesInScope(tx, scope, ids));
  const errors = named.flatMap((id, i) => {
    const field = ['input', 'toGuideIds', String(i)];
    const g = known.get(id);
    if (!g || !reached.has(id)) return [userError('NOT_FOUND', `guide ${id} not found`, field)];
    if (g.brandId !== from.brandId) return [userError('BRAND_MISMATCH', `guide ${id} works for another brand than guide ${from.guideId}`, field)];
    if (g.storeId !== from.storeId) return [userError('STORE_MISMATCH', `guide ${id} works at another store than guide ${from.guideId}`, field)];
    if (g.status !== 'ACTIVE') return [userError('GUIDE_NOT_ACTIVE', `guide ${id} has left`, field)];
    return [];
  });
  if (errors.length) throw new UserErrorException(errors);
  return ids.map((id) => known.get(id)!);
}
