import { InputCheck, newId, parseMoneyInput, trimmed, type MoneyInput } from '@retail/platform';
import type { Sku, SkuAttribute, SkuWrite } from '../model';
import { normaliseCategory } from './category';
import { isGtin } from './gtin';

// The checks of a product's input (upsertProduct), on the shared InputCheck: every fault at once, each
// with its field path, e.g. ["input","skus","1","listPrice","amount"].

export interface SkuInput {
  skuId?: string | null;
  code: string;
  barcode?: string | null;
  attributes: SkuAttribute[];
  listPrice: MoneyInput;
}

/** The fields of a product an upsert replaces. */
export interface ProductFieldsInput {
  title: string;
  category: string;
  description?: string | null;
  images: string[];
  skus: SkuInput[];
}

const LIMITS = { title: 200, description: 5000, images: 20, url: 1000, skus: 200, code: 64, attributes: 10, attributeText: 50, categoryDepth: 5, categorySegment: 30 };
const SKU_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ValidSku extends Omit<SkuWrite, 'id' | 'position'> {
  skuId: string | null;
}

export interface ValidProduct {
  title: string;
  category: string;
  description: string | null;
  images: string[];
  skus: ValidSku[];
}

function validateSku(check: InputCheck, sku: SkuInput, path: string[]): ValidSku | null {
  const code = sku.code.trim();
  check.require(code.length > 0 && code.length <= LIMITS.code && SKU_CODE.test(code), [...path, 'code'], `code (货号) must be 1 to ${LIMITS.code} letters, digits, '.', '_' or '-'`);
  const barcode = trimmed(sku.barcode);
  if (barcode !== null) check.require(isGtin(barcode), [...path, 'barcode'], 'barcode must be an EAN-13 / GTIN with a valid check digit');
  check.require(sku.attributes.length <= LIMITS.attributes, [...path, 'attributes'], `at most ${LIMITS.attributes} attributes`);
  const names = new Set<string>();
  const attributes = sku.attributes.map((a, i) => {
    const name = a.name.trim();
    const value = a.value.trim();
    const ok = (t: string) => t.length > 0 && t.length <= LIMITS.attributeText;
    check.require(ok(name) && !names.has(name), [...path, 'attributes', String(i), 'name'], `attribute names must be 1 to ${LIMITS.attributeText} characters and distinct`);
    check.require(ok(value), [...path, 'attributes', String(i), 'value'], `attribute values must be 1 to ${LIMITS.attributeText} characters`);
    names.add(name);
    return { name, value };
  });
  const price = check.attempt(() => parseMoneyInput(sku.listPrice, [...path, 'listPrice']));
  if (!price) return null;
  return { skuId: trimmed(sku.skuId), code, barcode, attributes, listPriceFen: price.fen, currency: price.currency };
}

/** Every fault of the input at once, with its field path; throws them together. */
export function validateProductInput(input: ProductFieldsInput): ValidProduct {
  const check = new InputCheck();
  const title = input.title.trim();
  check.require(title.length > 0 && title.length <= LIMITS.title, ['input', 'title'], `title must be 1 to ${LIMITS.title} characters`);
  const category = normaliseCategory(input.category);
  const depth = category?.split('/') ?? [];
  check.require(
    category !== null && depth.length <= LIMITS.categoryDepth && depth.every((s) => s.length <= LIMITS.categorySegment),
    ['input', 'category'],
    `category must be a path like 内衣/文胸 (at most ${LIMITS.categoryDepth} non-empty levels)`,
  );
  const description = trimmed(input.description);
  check.require((description?.length ?? 0) <= LIMITS.description, ['input', 'description'], `description is limited to ${LIMITS.description} characters`);
  check.require(input.images.length <= LIMITS.images, ['input', 'images'], `at most ${LIMITS.images} images`);
  input.images.forEach((url, i) => check.require(url.length <= LIMITS.url && /^https:\/\/[^\s/]+\/\S*$/.test(url), ['input', 'images', String(i)], 'images must be https URLs'));
  check.require(input.skus.length <= LIMITS.skus, ['input', 'skus'], `at most ${LIMITS.skus} SKUs`);
  const skus = input.skus.map((s, i) => validateSku(check, s, ['input', 'skus', String(i)]));
  const seenCodes = new Set<string>();
  const seenIds = new Set<string>();
  input.skus.forEach((s, i) => {
    const code = s.code.trim();
    const skuId = trimmed(s.skuId);
    check.require(!seenCodes.has(code), ['input', 'skus', String(i), 'code'], `code ${code} appears twice in the input`);
    seenCodes.add(code);
    if (skuId === null) return;
    check.require(!seenIds.has(skuId), ['input', 'skus', String(i), 'skuId'], `skuId ${skuId} appears twice in the input`);
    seenIds.add(skuId);
  });
  check.done();
  return { title, category: category!, description, images: input.images, skus: skus.filter((s): s is ValidSku => s !== null) };
}

/** Gives each input SKU its id: the existing SKU with that skuId, else the one with that code, else a new id. */
export function matchSkus(skus: ValidSku[], existing: Sku[]): SkuWrite[] {
  const byId = new Map(existing.map((s) => [s.id, s]));
  const byCode = new Map(existing.map((s) => [s.code, s]));
  const check = new InputCheck();
  const out = skus.map((s, i) => {
    let id: string;
    if (s.skuId !== null) {
      if (!byId.has(s.skuId)) check.fail(['input', 'skus', String(i), 'skuId'], `product has no SKU ${s.skuId}`, 'NOT_FOUND');
      id = s.skuId;
    } else {
      id = byCode.get(s.code)?.id ?? newId('sku');
    }
    const { skuId: _skuId, ...fields } = s;
    return { ...fields, id, position: i };
  });
  check.done();
  return out;
}
