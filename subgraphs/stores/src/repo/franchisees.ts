import { fetchPagesByParent, operatorFence, SqlParams, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { FranchiseeRecord } from '../model';
import { STORES } from './store-table';

const fence = (scope: Scope, p: SqlParams) => operatorFence(scope, p, STORES, { id: 'f.id', brand: 'f.brand_id' });

const COLUMNS = `f.id, f.brand_id AS "brandId", f.name, f.kind`;

/** Operators by id, inside the scope (others are absent). */
export async function franchiseesByIds(db: Queryable, scope: Scope, ids: readonly string[]): Promise<FranchiseeRecord[]> {
  const p = new SqlParams();
  return db.query<FranchiseeRecord>(`SELECT ${COLUMNS} FROM stores.franchisee f WHERE f.id = ANY(${p.add(ids)}::text[]) AND ${fence(scope, p)}`, p.values);
}

/** One page of operators for each brand, by name, inside the scope. */
export async function franchiseesOfBrands(db: Queryable, scope: Scope, brandIds: readonly string[], page: PageRequest): Promise<Map<string, Page<FranchiseeRecord>>> {
  const p = new SqlParams();
  const where = fence(scope, p);
  return fetchPagesByParent<FranchiseeRecord>(db, p, { columns: COLUMNS, from: 'stores.franchisee f', where, sort: ['f.name', 'f.id'], parent: 'f.brand_id' }, brandIds, page);
}

/** Inserts an operator; the caller has checked that it may onboard operators of the brand. */
export async function insertFranchisee(db: Queryable, f: FranchiseeRecord): Promise<FranchiseeRecord> {
  const rows = await db.query<FranchiseeRecord>(
    `INSERT INTO stores.franchisee AS f (id, brand_id, name, kind) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [f.id, f.brandId, f.name, f.kind],
  );
  return rows[0]!;
}
