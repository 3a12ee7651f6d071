import type { Queryable } from '@retail/platform';
import type { OpeningHours, StoreProfile } from '../model';

// What store pickup needs of each store (orders.store_profile), from stores.store.changed. Stores' pickup
// settings and opening hours are public facts of a store, so nothing here is fenced.

const COLUMNS = `s.store_id AS "storeId", s.pickup_enabled AS "pickupEnabled", s.status, s.timezone, s.opening_hours AS "openingHours"`;

/** A store's pickup profile; null when orders has not heard of the store. Unfenced: public store facts. */
export async function storeProfile(q: Queryable, storeId: string): Promise<StoreProfile | null> {
  const rows = await q.query<StoreProfile>(`SELECT ${COLUMNS} FROM orders.store_profile s WHERE s.store_id = $1`, [storeId]);
  return rows[0] ?? null;
}

/**
 * Records a store's pickup profile; with `updatedAt` an older event never overwrites a newer one. Unfenced:
 * written by the stores.store.changed consumer.
 */
export async function upsertStoreProfile(q: Queryable, p: StoreProfile, updatedAt: string | null): Promise<void> {
  await q.query(
    `INSERT INTO orders.store_profile AS s (store_id, pickup_enabled, status, timezone, opening_hours, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, COALESCE($6::timestamptz, now()))
     ON CONFLICT (store_id) DO UPDATE SET pickup_enabled = EXCLUDED.pickup_enabled, status = EXCLUDED.status, timezone = EXCLUDED.timezone,
       opening_hours = EXCLUDED.opening_hours, updated_at = EXCLUDED.updated_at
     WHERE $6::timestamptz IS NULL OR s.updated_at <= EXCLUDED.updated_at`,
    [p.storeId, p.pickupEnabled, p.status, p.timezone, JSON.stringify(p.openingHours), updatedAt],
  );
}

/** Demo data: the stores' profiles as of `asOf`, in one statement; profiles already there are left as they are. */
export async function seedStoreProfiles(q: Queryable, profiles: readonly StoreProfile[], asOf: string): Promise<void> {
  await q.query(
    `INSERT INTO orders.store_profile (store_id, pickup_enabled, status, timezone, opening_hours, updated_at)
     SELECT x."storeId", x."pickupEnabled", x.status, x.timezone, x."openingHours", $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x("storeId" text, "pickupEnabled" boolean, status text, timezone text, "openingHours" jsonb)
     ON CONFLICT (store_id) DO NOTHING`,
    [JSON.stringify(profiles), asOf],
  );
}

export type { OpeningHours };
