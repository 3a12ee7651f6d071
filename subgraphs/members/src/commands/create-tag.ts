import { administersBrand, InputCheck, isUniqueViolation, newId, UserErrorException } from '@retail/platform';
import type { MembersContext } from '../loaders';
import type { TagRecord } from '../model';
import { insertTag } from '../repo/tags';
import { entryTier } from '../repo/tiers';

export interface CreateTagInput {
  brandId: string;
  name: string;
}

/** createTag: a new tag (标签) of a brand, by its admins (or the platform); the name is unique within the brand. */
export async function createTag(ctx: MembersContext, input: CreateTagInput): Promise<{ tag: TagRecord }> {
  const check = new InputCheck();
  const brandId = check.text(input.brandId, ['input', 'brandId'], 64);
  const name = check.text(input.name, ['input', 'name'], 30);
  check.done();
  if (!administersBrand(ctx.scope, brandId)) throw UserErrorException.forbidden("only the brand's admins may create its tags", ['input', 'brandId']);
  // members knows a brand by its tiers (every brand it serves has a ladder).
  if (!(await entryTier(ctx.db, brandId))) throw UserErrorException.notFound('brand', ['input', 'brandId']);
  try {
    return { tag: await insertTag(ctx.db, { id: newId('tag'), brandId, name }) };
  } catch (e) {
    if (isUniqueViolation(e, 'tag_brand_name_key')) throw UserErrorException.of('ALREADY_EXISTS', `the brand already has a tag named ${name}`, ['input', 'name']);
    throw e;
  }
}
