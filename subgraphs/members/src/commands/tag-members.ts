import { InputCheck, UserErrorException, type Scope, type StoreOperator, type Transaction } from '@retail/platform';
import type { MembersContext } from '../loaders';
import { addMemberTags, homeStoresOf, taggableMembers, tagsByIds } from '../repo/tags';

export interface TagMembersInput {
  memberIds: readonly string[];
  tagIds: readonly string[];
}

export const MAX_TAGGED_MEMBERS = 1000;
export const MAX_TAGS_AT_ONCE = 100;

/** A tagging's distinct ids, and for a franchisee the stores of the members it operates now (null otherwise). */
export interface Tagging {
  input: TagMembersInput;
  memberIds: string[];
  tagIds: string[];
  operatedStoreIds: string[] | null;
}

/**
 * What tagMembers and untagMembers check before their transaction: the lists' sizes, that the caller works for a
 * brand (members and partners tag nobody), and for a franchisee which of the members' home stores it operates now,
 * asked of stores (never inside the transaction, docs/architecture.md §8).
 */
export async function prepareTagging(ctx: MembersContext, input: TagMembersInput): Promise<Tagging> {
  const check = new InputCheck();
  check.require(input.memberIds.length >= 1 && input.memberIds.length <= MAX_TAGGED_MEMBERS, ['input', 'memberIds'], `name 1 to ${MAX_TAGGED_MEMBERS} members`);
  check.require(input.tagIds.length >= 1 && input.tagIds.length <= MAX_TAGS_AT_ONCE, ['input', 'tagIds'], `name 1 to ${MAX_TAGS_AT_ONCE} tags`);
  check.done();
  const { scope } = ctx;
  if (scope.kind === 'member' || scope.kind === 'partner' || scope.kind === 'anonymous') throw UserErrorException.forbidden('you may not tag members', ['input', 'memberIds']);
  const memberIds = [...new Set(input.memberIds)];
  return { input, memberIds, tagIds: [...new Set(input.tagIds)], operatedStoreIds: scope.kind === 'franchisee' ? await storesOperatedNow(ctx, scope.brandId, scope.franchiseeId, memberIds) : null };
}

/** Which of the members' home stores the franchisee operates now, as stores says (one call for all of them). */
async function storesOperatedNow(ctx: MembersContext, brandId: string, franchiseeId: string, memberIds: readonly string[]): Promise<string[]> {
  const storeIds = await homeStoresOf(ctx.db, brandId, memberIds);
  if (storeIds.length === 0) return [];
  const data = await ctx.peers.query<{ storeOperators: StoreOperator[] }>(
    'stores',
    'query StoreOperators($ids: [ID!]!) { storeOperators(ids: $ids) { storeId brandId franchiseeId updatedAt } }',
    { ids: storeIds },
  );
  return data.storeOperators.filter((s) => s.brandId === brandId && s.franchiseeId === franchiseeId).map((s) => s.storeId);
}

/**
 * Inside the transaction: every tag is one the caller sees and every member one it may tag (a brand's admins its
 * members, an operator its stores' members, a store's staff its store's members, a guide its own customers), else
 * NOT_FOUND for each (MEMBER_MERGED for a merged member); tags and members all of one brand, else BRAND_MISMATCH.
 */
export async function checkTagging(tx: Transaction, scope: Scope, t: Tagging): Promise<void> {
  const tags = await tagsByIds(tx, scope, t.tagIds);
  const members = await taggableMembers(tx, scope, t.memberIds, t.operatedStoreIds);
  const check = new InputCheck();
  const tagBrand = new Map(tags.map((g) => [g.id, g.brandId]));
  const memberBrand = new Map(members.map((m) => [m.id, m.brandId]));
  t.input.tagIds.forEach((id, i) => {
    if (!tagBrand.has(id)) check.fail(['input', 'tagIds', String(i)], `tag ${id} not found`, 'NOT_FOUND');
  });
  const merged = new Set(members.filter((m) => m.mergedInto !== null).map((m) => m.id));
  t.input.memberIds.forEach((id, i) => {
    if (!memberBrand.has(id)) check.fail(['input', 'memberIds', String(i)], `member ${id} not found`, 'NOT_FOUND');
    else if (merged.has(id)) check.fail(['input', 'memberIds', String(i)], `member ${id} was merged into another; tag the survivor`, 'MEMBER_MERGED');
  });
  check.done();
  const brands = new Set([...tagBrand.values(), ...memberBrand.values()]);
  if (brands.size > 1) throw UserErrorException.of('BRAND_MISMATCH', 'the members and tags must all be of one brand', ['input', 'tagIds']);
}

/** tagMembers: puts every tag on every member; counts only the pairs added (a pair already there is left as it is). */
export async function tagMembers(ctx: MembersContext, input: TagMembersInput): Promise<{ addedCount: number }> {
  const tagging = await prepareTagging(ctx, input);
  return ctx.db.transaction(async (tx) => {
    await checkTagging(tx, ctx.scope, tagging);
    return { addedCount: await addMemberTags(tx, tagging.memberIds, tagging.tagIds) };
  });
}
