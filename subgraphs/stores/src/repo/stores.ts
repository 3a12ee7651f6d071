import { fetchPage, fetchPagesByParent, seesPublicLists, SqlParams, storeFence as fenceOf, type Page, type PageRequest, type Queryable, type Scope } from '@retail/platform';
import type { OpeningInterval } from '../domain/opening-hours';
import type { NewStore, StoreChanges, StoreOpeningInterval, StoreRecord, StoreStatus } from '../model';
import { STORES } from './store-table';

/** A store is in scope for its brand, its operator, its staff and its guides. */
const storeFence = (scope: Scope, p: SqlParams) => fenceOf(scope, p, STORES, 's');

export interface StoreFilter {
  brandId?: string | null;
  franchiseeId?: string | null;
  city?: string | null;
  pickupEnabled?: boolean | null;
  status?: StoreStatus | null;
}

function columns(scope: Scope, p: SqlParams): string {
  return `s.id, s.brand_id AS "brandId", s.franchisee_id AS "franchiseeId", s.kind, s.code, s.name,
    json_build_object('province', s.province, 'city', s.city, 'district', s.district, 'line', s.address_line, 'postalCode', s.postal_code) AS address,
    CASE WHEN s.lat IS NULL THEN NULL ELSE json_build_object('lat', s.lat, 'lng', s.lng) END AS location,
    s.phone, s.pickup_enabled AS "pickupEnabled", s.status, s.updated_at AS "updatedAt", (${storeFence(scope, p)}) AS "inScope"`;
}

/** Stores by id. A store's public face is readable by anyone, so all are returned, flagged with inScope. */
export async function storesByIds(db: Queryable, scope: Scope, ids: readonly string[]): Promise<StoreRecord[]> {
  const p = new SqlParams();
  return db.query<StoreRecord>(`SELECT ${columns(scope, p)} FROM stores.store s WHERE s.id = ANY(${p.add(ids)}::text[])`, p.values);
}

/**
 * The `stores` list: the caller's own stores (platform, brand, operator, store), or for the public
 * (anonymous, members, partners) every OPEN store. Filtering the public list by operator finds nothing:
 * who runs a store is private.
 */
export async function listStores(db: Queryable, scope: Scope, filter: StoreFilter, page: PageRequest): Promise<Page<StoreRecord>> {
  const p = new SqlParams();
  const cols = columns(scope, p);
  const where: string[] = [];
  if (seesPublicLists(scope)) {
    where.push(`s.status = 'OPEN'`);
    if (filter.franchiseeId) where.push('FALSE');
  } else {
    where.push(storeFence(scope, p));
  }
  if (filter.brandId) where.push(`s.brand_id = ${p.add(filter.brandId)}`);
  if (filter.franchiseeId) where.push(`s.franchisee_id = ${p.add(filter.franchiseeId)}`);
  if (filter.city) where.push(`s.city = ${p.add(filter.city)}`);
  if (typeof filter.pickupEnabled === 'boolean') where.push(`s.pickup_enabled = ${p.add(filter.pickupEnabled)}`);
  if (filter.status) where.push(`s.status = ${p.add(filter.status)}`);
  return fetchPage<StoreRecord>(db, p, { columns: cols, from: 'stores.store s', where: where.join(' AND '), sort: ['s.code', 's.id'] }, page);
}

/** One page of stores for each operator, by code, inside the scope. */
export async function storesOfFranchisees(db: Queryable, scope: Scope, franchiseeIds: readonly string[], page: PageRequest): Promise<Map<string, Page<StoreRecord>>> {
  const p = new SqlParams();
  const cols = columns(scope, p);
  return fetchPagesByParent<StoreRecord>(db, p, { columns: cols, from: 'stores.store s', where: storeFence(scope, p), sort: ['s.code', 's.id'], parent: 's.franchisee_id' }, franchiseeIds, page);
}

/** A store locked for a change (FOR UPDATE), flagged with inScope; null when no such store exists. */
export async function lockStore(tx: Queryable, scope: Scope, id: string): Promise<StoreRecord | null> {
  const p = new SqlParams();
  const rows = await tx.query<StoreRecord>(`SELECT ${columns(scope, p)} FROM stores.store s WHERE s.id = ${p.add(id)} FOR UPDATE`, p.values);
  return rows[0] ?? null;
}

/** Inserts a store; the caller has checked its permission and the operator. A duplicate code raises store_brand_code_key. */
export async function insertStore(tx: Queryable, scope: Scope, s: NewStore): Promise<StoreRecord> {
  const p = new SqlParams();
  const values = [s.id, s.brandId, s.franchiseeId, s.kind, s.code, s.name, s.address.province, s.address.city, s.address.district, s.address.line, s.address.postalCode, s.location?.lat ?? null, s.location?.lng ?? null, s.phone, s.pickupEnabled, s.status].map((v) => p.add(v));
  const rows = await tx.query<StoreRecord>(
    `INSERT INTO stores.store AS s (id, brand_id, franchisee_id, kind, code, name, province, city, district, address_line, postal_code, lat, lng, phone, pickup_enabled, status)
     VALUES (${values.join(', ')}) RETURNING ${columns(scope, p)}`,
    p.values,
  );
  return rows[0]!;
}

/** Applies changes to a store inside the scope; null when it is not there (or not in scope). */
export async function updateStore(tx: Queryable, scope: Scope, id: string, c: StoreChanges): Promise<StoreRecord | null> {
  const p = new SqlParams();
  const set: string[] = ['updated_at = now()'];
  const assign = (column: string, value: unknown) => set.push(`${column} = ${p.add(value)}`);
  if (c.name !== undefined) assign('name', c.name);
  if (c.address !== undefined) {
    assign('province', c.address.province);
    assign('city', c.address.city);
    assign('district', c.address.district);
    assign('address_line', c.address.line);
    assign('postal_code', c.address.postalCode);
  }
  if (c.location !== undefined) {
    assign('lat', c.location?.lat ?? null);
    assign('lng', c.location?.lng ?? null);
  }
  if (c.phone !== undefined) assign('phone', c.phone);
  if (c.pickupEnabled !== undefined) assign('pickup_enabled', c.pickupEnabled);
  if (c.status !== undefined) assign('status', c.status);
  if (c.franchiseeId !== undefined) assign('franchisee_id', c.franchiseeId);
  if (c.kind !== undefined) assign('kind', c.kind);
  const rows = await tx.query<StoreRecord>(
    `UPDATE stores.store AS s SET ${set.join(', ')} WHERE s.id = ${p.add(id)} AND ${storeFence(scope, p)} RETURNING ${columns(scope, p)}`,
    p.values,
  );
  return rows[0] ?? null;
}

/** The weekly opening hours of stores (public), by day and time. */
export async function openingHoursOf(db: Queryable, storeIds: readonly string[]): Promise<StoreOpeningInterval[]> {
  return db.query<StoreOpeningInterval>(
    `SELECT store_id AS "storeId", day_of_week AS day, opens_min AS "opensMin", closes_min AS "closesMin"
       FROM stores.opening_hours WHERE store_id = ANY($1::text[]) ORDER BY store_id, day_of_week, opens_min`,
    [storeIds],
  );
}

/** Replaces a store's weekly schedule (the caller holds the store's lock). */
export async function replaceOpeningHours(tx: Queryable, storeId: string, intervals: readonly OpeningInterval[]): Promise<void> {
  await tx.query(`DELETE FROM stores.opening_hours WHERE store_id = $1`, [storeId]);
  if (intervals.length === 0) return;
  await tx.query(
    `INSERT INTO stores.opening_hours (store_id, day_of_week, opens_min, closes_min)
     SELECT $1, d, o, c FROM unnest($2::smallint[], $3::smallint[], $4::smallint[]) AS t(d, o, c)`,
    [storeId, intervals.map((i) => i.day), intervals.map((i) => i.opensMin), intervals.map((i) => i.closesMin)],
  );
}
