import { administersBrand, InputCheck, isUniqueViolation, newId, UserErrorException } from '@retail/platform';
import type { StoresContext } from '../loaders';
import type { FranchiseeRecord, OperationKind } from '../model';
import { brandsByIds } from '../repo/brands';
import { insertFranchisee } from '../repo/franchisees';

export interface CreateFranchiseeInput {
  brandId: string;
  name: string;
  kind: OperationKind;
}

export async function createFranchisee(ctx: StoresContext, input: CreateFranchiseeInput): Promise<{ franchisee: FranchiseeRecord }> {
  const { db, scope } = ctx;
  if (!administersBrand(scope, input.brandId)) throw UserErrorException.forbidden("only the brand's admins may onboard its operators", ['input', 'brandId']);
  const check = new InputCheck();
  const name = check.text(input.name, ['input', 'name'], 100);
  check.done();
  const [brand] = await brandsByIds(db, scope, [input.brandId]);
  if (!brand?.inScope) throw UserErrorException.notFound('brand', ['input', 'brandId']);
  try {
    return { franchisee: await insertFranchisee(db, { id: newId('fr'), brandId: brand.id, name, kind: input.kind }) };
  } catch (e) {
    if (isUniqueViolation(e, 'franchisee_brand_name_key')) throw UserErrorException.of('ALREADY_EXISTS', `the brand already has an operator named ${name}`, ['input', 'name']);
    throw e;
  }
}
