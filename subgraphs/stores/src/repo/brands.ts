import { brandFence, fetchPage, SqlParams, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { BrandRecord } from '../model';

function columns(scope: Scope, p: SqlParams): string {
  return `b.id, b.code, b.name, b.group_id AS "groupId", (${brandFence(scope, p, 'b.id')}) AS "inScope"`;
}

/** Brands by id; code and name are public, so every brand is returned, flagged with inScope. */
export async function brandsByIds(db: Queryable, scope: Scope, ids: readonly string[]): Promise<BrandRecord[]> {
  const p = new SqlParams();
  return db.query<BrandRecord>(`SELECT ${columns(scope, p)} FROM stores.brand b WHERE b.id = ANY(${p.add(ids)}::text[])`, p.values);
}

/** The brands in the caller's scope, by code. */
export async function listBrands(db: Queryable, scope: Scope, page: PageRequest): Promise<Page<BrandRecord>> {
  const p = new SqlParams();
  return fetchPage<BrandRecord>(db, p, { columns: columns(scope, p), from: 'stores.brand b', where: brandFence(scope, p, 'b.id'), sort: ['b.code', 'b.id'] }, page);
}
