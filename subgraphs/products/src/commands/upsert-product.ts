import { isUniqueViolation, InputCheck, newId, UserErrorException } from '@retail/platform';
import { assertMayEditCatalog } from '../domain/permissions';
import { matchSkus, validateProductInput, type ProductFieldsInput } from '../domain/product-input';
import { publishProductChanged } from '../events/publishes';
import type { ProductsContext } from '../loaders';
import type { Product, ProductStatus } from '../model';
import { lockProduct, saveProduct } from '../repo/products';
import { codesUsedElsewhere, lockSkusOfProduct, replaceSkusOfProduct } from '../repo/skus';

export interface UpsertProductInput extends ProductFieldsInput {
  productId?: string | null;
  brandId: string;
  status?: ProductStatus | null;
}

/**
 * upsertProduct: creates (no productId) or replaces a product and its SKUs in one transaction, then
 * returns the product as the caller sees it. SKUs left out are archived. A code used by another product
 * of the brand is ALREADY_EXISTS (also when a concurrent upsert takes it first: the deferred unique
 * constraint catches that at commit).
 */
export async function upsertProduct(ctx: ProductsContext, input: UpsertProductInput): Promise<{ product: Product | null }> {
  const { scope } = ctx;
  assertMayEditCatalog(scope, input.brandId);
  const valid = validateProductInput(input);
  let productId: string;
  try {
    productId = await ctx.db.transaction(async (tx) => {
      const existing = input.productId ? await lockProduct(tx, scope, input.productId) : null;
      if (input.productId && !existing) throw UserErrorException.of('NOT_FOUND', 'no such product', ['input', 'productId']);
      if (existing && existing.brandId !== input.brandId) throw UserErrorException.of('BRAND_MISMATCH', 'a product cannot move to another brand', ['input', 'brandId']);
      const id = existing?.id ?? newId('prd');
      const skus = matchSkus(valid.skus, existing ? await lockSkusOfProduct(tx, id) : []);
      const taken = await codesUsedElsewhere(tx, input.brandId, id, skus.map((s) => s.code));
      if (taken.size) {
        const check = new InputCheck();
        skus.forEach((s, i) => taken.has(s.code) && check.fail(['input', 'skus', String(i), 'code'], `another product of the brand already uses code ${s.code}`, 'ALREADY_EXISTS'));
        check.done();
      }
      const status = input.status ?? existing?.status ?? 'DRAFT';
      if (status === 'ACTIVE' && skus.length === 0) throw UserErrorException.of('INVALID_INPUT', 'an ACTIVE product needs at least one SKU', ['input', 'skus']);
      const { title, category, description, images } = valid;
      await saveProduct(tx, { id, brandId: input.brandId, title, category, description, images, status });
      await replaceSkusOfProduct(tx, { id, brandId: input.brandId }, skus);
      await publishProductChanged(tx, { brandId: input.brandId, productId: id, status, skuIds: skus.map((s) => s.id) });
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'sku_brand_code')) {
      throw UserErrorException.of('ALREADY_EXISTS', 'another product of the brand took one of these SKU codes at the same time', ['input', 'skus']);
    }
    throw e;
  }
  return { product: await ctx.loaders.product.load(productId) };
}
