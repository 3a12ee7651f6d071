import { badUserInput } from '@retail/platform';
import type { ProductStatus } from '../model';
import { normaliseCategory } from './category';

export interface ProductFilterInput {
  brandId?: string | null;
  category?: string | null;
  query?: string | null;
  status?: ProductStatus | null;
}

/** A validated products(filter): every condition must hold. */
export interface ProductSearch {
  brandId: string | null;
  /** Category path without surrounding slashes; matches itself and its sub-paths. */
  category: string | null;
  /** Each word must occur in the title or in one of the product's SKU codes. */
  words: string[];
  status: ProductStatus | null;
}

const MAX_QUERY = 100;
const MAX_WORDS = 8;

/** products(filter) → a search; malformed filters are BAD_USER_INPUT naming the field. */
export function productSearchFrom(filter: ProductFilterInput | null | undefined): ProductSearch {
  const f = filter ?? {};
  let category: string | null = null;
  if (f.category != null && f.category.trim() !== '') {
    category = normaliseCategory(f.category.replace(/^\s*\/+|\/+\s*$/g, ''));
    if (category === null) throw badUserInput('category must be a path like 内衣 or 内衣/文胸', ['filter', 'category']);
  }
  const text = f.query?.trim() ?? '';
  if (text.length > MAX_QUERY) throw badUserInput(`query is limited to ${MAX_QUERY} characters`, ['filter', 'query']);
  const words = text ? [...new Set(text.split(/\s+/))] : [];
  if (words.length > MAX_WORDS) throw badUserInput(`query is limited to ${MAX_WORDS} words`, ['filter', 'query']);
  // The scope's catalog fence applies on top: anonymous callers asking for DRAFT get nothing.
  return { brandId: f.brandId ?? null, category, words, status: f.status ?? null };
}
