import { fetchPagesByParent, SqlParams, viaStoreFence, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { GuideRecord, GuideStatus, NewGuide } from '../model';
import { STORES } from './store-table';

/** A guide is in scope wherever its store is: a GUIDE sees the guides of its own store. */
const guideFence = (scope: Scope, p: SqlParams) => viaStoreFence(scope, p, STORES, 'g.store_id');

const COLUMNS = `g.id, g.brand_id AS "brandId", g.store_id AS "storeId", g.name, g.wecom_user_id AS "wecomUserId", g.status, g.joined_at AS "joinedAt", g.left_at AS "leftAt", g.updated_at AS "updatedAt"`;

/** Guides by id, inside the scope (others are absent). */
export async function guidesByIds(db: Queryable, scope: Scope, ids: readonly string[]): Promise<GuideRecord[]> {
  const p = new SqlParams();
  return db.query<GuideRecord>(`SELECT ${COLUMNS} FROM stores.guide g WHERE g.id = ANY(${p.add(ids)}::text[]) AND ${guideFence(scope, p)}`, p.values);
}

/** One page of guides for each store, by name, optionally of one status, inside the scope. */
export async function guidesOfStores(db: Queryable, scope: Scope, storeIds: readonly string[], status: GuideStatus | null, page: PageRequest): Promise<Map<string, Page<GuideRecord>>> {
  const p = new SqlParams();
  const where = [guideFence(scope, p), ...(status ? [`g.status = ${p.add(status)}`] : [])].join(' AND ');
  return fetchPagesByParent<GuideRecord>(db, p, { columns: COLUMNS, from: 'stores.guide g', where, sort: ['g.name', 'g.id'], parent: 'g.store_id' }, storeIds, page);
}

/** A guide inside the scope, locked for a change. */
export async function lockGuide(tx: Queryable, scope: Scope, id: string): Promise<GuideRecord | null> {
  const p = new SqlParams();
  const rows = await tx.query<GuideRecord>(`SELECT ${COLUMNS} FROM stores.guide g WHERE g.id = ${p.add(id)} AND ${guideFence(scope, p)} FOR UPDATE`, p.values);
  return rows[0] ?? null;
}

/** Inserts an ACTIVE guide; the caller has checked the store. A taken WeCom userid raises guide_brand_wecom_key. */
export async function insertGuide(tx: Queryable, g: NewGuide): Promise<GuideRecord> {
  const rows = await tx.query<GuideRecord>(
    `INSERT INTO stores.guide AS g (id, brand_id, store_id, name, wecom_user_id, joined_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [g.id, g.brandId, g.storeId, g.name, g.wecomUserId, g.joinedAt],
  );
  return rows[0]!;
}

/** ACTIVE → LEFT for a guide inside the scope; null when it is not (any more) ACTIVE. */
export async function markGuideLeft(tx: Queryable, scope: Scope, id: string, leftAt: Date): Promise<GuideRecord | null> {
  const p = new SqlParams();
  const rows = await tx.query<GuideRecord>(
    `UPDATE stores.guide AS g SET status = 'LEFT', left_at = ${p.add(leftAt)}, updated_at = now()
      WHERE g.id = ${p.add(id)} AND g.status = 'ACTIVE' AND ${guideFence(scope, p)} RETURNING ${COLUMNS}`,
    p.values,
  );
  return rows[0] ?? null;
}
