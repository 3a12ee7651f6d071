import { isUniqueViolation, UserErrorException, type Database, type SubgraphContext } from '@retail/platform';
import { brandsByIds } from '../../store/brands';
import { insertFranchisee, type FranchiseeRecord } from '../../store/franchisees';
import type { OperationKind } from '../../store/stores';
import { newId } from './newId';
import { administersBrand, forbidden, notFound } from './permissions';
import { InputCheck } from './validate';

export interface CreateFranchiseeInput {
  brandId: string;
  name: string;
  kind: OperationKind;
}

export async function createFranchisee(db: Database, ctx: SubgraphContext, input: CreateFranchiseeInput): Promise<{ franchisee: FranchiseeRecord }> {
  if (!administersBrand(ctx.scope, input.brandId)) throw forbidden("only the brand's admins may onboard its operators", ['input', 'brandId']);
  const check = new InputCheck();
  const name = check.text(input.name, ['input', 'name'], 100);
  check.done();
  const [brand] = await brandsByIds(db, ctx.scope, [input.brandId]);
  if (!brand?.inScope) throw notFound('brand', ['input', 'brandId']);
  try {
    return { franchisee: await insertFranchisee(db, { id: newId('fr'), brandId: brand.id, name, kind: input.kind }) };
  } catch (e) {
    if (isUniqueViolation(e, 'franchisee_brand_name_key')) throw UserErrorException.of('ALREADY_EXISTS', `the brand already has an operator named ${name}`, ['input', 'name']);
    throw e;
  }
}
