import { SqlParams, storeRowFence, type Queryable, type Scope } from '@retail/platform';
import type { GuideEntry } from '../model';
import { STORE_DIRECTORY } from './store-directory';

// members' copy of the guides (guide → brand, store, status), fed by stores.guide.changed (docs/architecture.md §6).

const COLUMNS = `g.guide_id AS "guideId", g.brand_id AS "brandId", g.store_id AS "storeId", g.status`;

/** A guide is in scope for its brand, its store's operator and staff, and itself (not for its colleagues). */
const guideFence = (scope: Scope, p: SqlParams) => storeRowFence(scope, p, STORE_DIRECTORY.table, { brand: 'g.brand_id', store: 'g.store_id', guide: 'g.guide_id' });

/** A guide as members knows it; null when unknown. Unfenced: registerMember checks it against the caller (domain/permissions.ts). */
export async function guideEntry(q: Queryable, guideId: string): Promise<GuideEntry | null> {
  const rows = await q.query<GuideEntry>(`SELECT ${COLUMNS} FROM members.guide_directory g WHERE g.guide_id = $1`, [guideId]);
  return rows[0] ?? null;
}

/** The ids among `guideIds` of guides the scope reaches (one statement). */
export async function guidesInScope(q: Queryable, scope: Scope, guideIds: readonly string[]): Promise<string[]> {
  const p = new SqlParams();
  const rows = await q.query<{ guideId: string }>(
    `SELECT g.guide_id AS "guideId" FROM members.guide_directory g WHERE g.guide_id = ANY(${p.add(guideIds)}::text[]) AND ${guideFence(scope, p)}`,
    p.values,
  );
  return rows.map((r) => r.guideId);
}

/**
 * Records a guide's brand, store and status. A guide who LEFT stays LEFT (stores has no way back), so an older
 * event arriving late cannot make it ACTIVE again. Unfenced: written by the stores.guide.changed consumer.
 */
export async function upsertGuideEntry(q: Queryable, g: GuideEntry): Promise<void> {
  await q.query(
    `INSERT INTO members.guide_directory AS d (guide_id, brand_id, store_id, status) VALUES ($1, $2, $3, $4)
     ON CONFLICT (guide_id) DO UPDATE SET brand_id = EXCLUDED.brand_id, store_id = EXCLUDED.store_id, status = EXCLUDED.status, updated_at = now()
     WHERE d.status <> 'LEFT'`,
    [g.guideId, g.brandId, g.storeId, g.status],
  );
}

/** Demo data: the guides given, in one statement; guides already known are left as they are. */
export async function seedGuideDirectory(q: Queryable, guides: readonly GuideEntry[]): Promise<void> {
  await q.query(
    `INSERT INTO members.guide_directory (guide_id, brand_id, store_id, status)
     SELECT x."guideId", x."brandId", x."storeId", x.status FROM jsonb_to_recordset($1::jsonb) AS x("guideId" text, "brandId" text, "storeId" text, status text)
     ON CONFLICT (guide_id) DO NOTHING`,
    [JSON.stringify(guides)],
  );
}
