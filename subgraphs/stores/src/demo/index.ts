import type { Database } from '@retail/platform';
import { parseOpeningHours } from '../domain/opening-hours';
import { DEMO_BRANDS, DEMO_FRANCHISEES, DEMO_GUIDES, DEMO_STORES } from './data';

export * from './data';

/**
 * Loads the demo brands, operators, stores (with opening hours) and guides. Idempotent: rows that
 * exist are kept as they are, so it never overwrites what a user changed.
 */
export async function seedStores(db: Database): Promise<void> {
  const json = (rows: unknown) => JSON.stringify(rows);
  const stores = DEMO_STORES.map((s) => ({ ...s, ...s.address, ...s.location }));
  const hours = DEMO_STORES.flatMap((s) => {
    const { intervals, errors } = parseOpeningHours(s.openingHours, [s.id]);
    if (errors.length) throw new Error(`demo opening hours of ${s.id}: ${errors.map((e) => e.message).join('; ')}`);
    return intervals.map((i) => ({ storeId: s.id, ...i }));
  });
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO stores.brand (id, code, name, group_id)
       SELECT id, code, name, "groupId" FROM jsonb_to_recordset($1::jsonb) AS t(id text, code text, name text, "groupId" text)
       ON CONFLICT DO NOTHING`,
      [json(DEMO_BRANDS)],
    );
    await tx.query(
      `INSERT INTO stores.franchisee (id, brand_id, name, kind)
       SELECT id, "brandId", name, kind FROM jsonb_to_recordset($1::jsonb) AS t(id text, "brandId" text, name text, kind text)
       ON CONFLICT DO NOTHING`,
      [json(DEMO_FRANCHISEES)],
    );
    await tx.query(
      `INSERT INTO stores.store (id, brand_id, franchisee_id, kind, code, name, province, city, district, address_line, postal_code, lat, lng, phone, pickup_enabled, status)
       SELECT id, "brandId", "franchiseeId", kind, code, name, province, city, district, line, "postalCode", lat, lng, phone, "pickupEnabled", status
         FROM jsonb_to_recordset($1::jsonb) AS t(id text, "brandId" text, "franchiseeId" text, kind text, code text, name text, province text, city text,
              district text, line text, "postalCode" text, lat double precision, lng double precision, phone text, "pickupEnabled" boolean, status text)
       ON CONFLICT DO NOTHING`,
      [json(stores)],
    );
    // Only stores without any hours get the demo schedule: a user's own schedule stays whole.
    await tx.query(
      `INSERT INTO stores.opening_hours (store_id, day_of_week, opens_min, closes_min)
       SELECT t."storeId", t.day, t."opensMin", t."closesMin" FROM jsonb_to_recordset($1::jsonb) AS t("storeId" text, day smallint, "opensMin" smallint, "closesMin" smallint)
        WHERE EXISTS (SELECT 1 FROM stores.store s WHERE s.id = t."storeId")
          AND NOT EXISTS (SELECT 1 FROM stores.opening_hours h WHERE h.store_id = t."storeId")`,
      [json(hours)],
    );
    await tx.query(
      `INSERT INTO stores.guide (id, brand_id, store_id, name, wecom_user_id, status, joined_at, left_at)
       SELECT t.id, t."brandId", t."storeId", t.name, t."wecomUserId", t.status, t."joinedAt", t."leftAt"
         FROM jsonb_to_recordset($1::jsonb) AS t(id text, "brandId" text, "storeId" text, name text, "wecomUserId" text, status text, "joinedAt" timestamptz, "leftAt" timestamptz)
        WHERE EXISTS (SELECT 1 FROM stores.store s WHERE s.id = t."storeId" AND s.brand_id = t."brandId")
       ON CONFLICT DO NOTHING`,
      [json(DEMO_GUIDES)],
    );
  });
}
