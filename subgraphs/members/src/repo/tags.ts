import { brandFence, fetchPage, SqlParams, type Page, type PageRequest, type Queryable, type Scope, type Transaction } from '@retail/platform';
import type { TagRecord } from '../model';
import { memberFence } from './members';

// Tags (标签) of a brand's members and which member carries which (docs/architecture.md §4 for the fences).

const COLUMNS = `t.id, t.brand_id AS "brandId", t.name, t.created_at AS "createdAt"`;

/**
 * Tags are the brand's staff labels (高净值, 孕期 …): in scope for the platform and everyone working for the brand
 * (admins, operators, store staff, guides), never for members (not even their own tags) or partner brands.
 */
export const tagFence = (scope: Scope, p: SqlParams) => (scope.kind === 'member' || scope.kind === 'partner' ? 'FALSE' : brandFence(scope, p, 't.brand_id'));

/** Tags by id, inside the scope (others are absent). */
export function tagsByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<TagRecord[]> {
  const p = new SqlParams();
  return q.query<TagRecord>(`SELECT ${COLUMNS} FROM members.tag t WHERE t.id = ANY(${p.add(ids)}::text[]) AND ${tagFence(scope, p)}`, p.values);
}

/** Query.tags: one page of a brand's tags by name, inside the scope. */
export function listTags(q: Queryable, scope: Scope, brandId: string, page: PageRequest): Promise<Page<TagRecord>> {
  const p = new SqlParams();
  const where = `t.brand_id = ${p.add(brandId)} AND ${tagFence(scope, p)}`;
  return fetchPage<TagRecord>(q, p, { columns: COLUMNS, from: 'members.tag t', where, sort: ['t.name', 't.id'] }, page);
}

/** Inserts a tag; the caller has checked that it administers the brand. A taken name raises tag_brand_name_key. */
export async function insertTag(q: Queryable, tag: { id: string; brandId: string; name: string }): Promise<TagRecord> {
  const rows = await q.query<TagRecord>(`INSERT INTO members.tag AS t (id, brand_id, name) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`, [tag.id, tag.brandId, tag.name]);
  return rows[0]!;
}

/**
 * Tag.memberCount: for each tag, how many members carrying it the scope reaches (a guide counts its own customers),
 * in one statement; tags without such members are absent.
 */
export function memberCountsOfTags(q: Queryable, scope: Scope, tagIds: readonly string[]): Promise<{ tagId: string; count: number }[]> {
  const p = new SqlParams();
  return q.query<{ tagId: string; count: number }>(
    `SELECT mt.tag_id AS "tagId", count(*)::int AS count
       FROM members.member_tag mt JOIN members.member m ON m.id = mt.member_id
      WHERE mt.tag_id = ANY(${p.add(tagIds)}::text[]) AND ${memberFence(scope, p)}
      GROUP BY mt.tag_id`,
    p.values,
  );
}

/** Member.tags: the tags of members, by name, that the scope may see (one statement; the members were fenced already). */
export function tagsOfMembers(q: Queryable, scope: Scope, memberIds: readonly string[]): Promise<(TagRecord & { memberId: string })[]> {
  const p = new SqlParams();
  return q.query<TagRecord & { memberId: string }>(
    `SELECT mt.member_id AS "memberId", ${COLUMNS}
       FROM members.member_tag mt JOIN members.tag t ON t.id = mt.tag_id
      WHERE mt.member_id = ANY(${p.add(memberIds)}::text[]) AND ${tagFence(scope, p)}
      ORDER BY mt.member_id, t.name, t.id`,
    p.values,
  );
}

/**
 * The condition "the member (alias m) carries every one of `tagIds`" for a member list's WHERE: the members holding
 * all of them, found from the tags' side (member_tag_tag), so a rare tag narrows the list at once.
 */
export function carriesAllTags(p: SqlParams, tagIds: readonly string[]): string {
  const distinct = [...new Set(tagIds)];
  return `m.id IN (SELECT tm.member_id FROM members.member_tag tm WHERE tm.tag_id = ANY(${p.add(distinct)}::text[])
                    GROUP BY tm.member_id HAVING count(*) = ${p.add(distinct.length)}::int)`;
}

/**
 * The members among `memberIds` the caller may tag, with their brand and the member they were merged into (one statement): those inside the member fence,
 * or for a franchisee those whose home store it operates now by `operatedStoreIds` (what stores answered just
 * before, so a store handed to another operator is out of reach at once, docs/architecture.md §6).
 */
export function taggableMembers(q: Queryable, scope: Scope, memberIds: readonly string[], operatedStoreIds: readonly string[] | null): Promise<{ id: string; brandId: string; mergedInto: string | null }[]> {
  const p = new SqlParams();
  const fence =
    scope.kind === 'franchisee' && operatedStoreIds !== null
      ? `(m.brand_id = ${p.add(scope.brandId)} AND m.home_store_id = ANY(${p.add(operatedStoreIds)}::text[]))`
      : memberFence(scope, p);
  return q.query<{ id: string; brandId: string; mergedInto: string | null }>(`SELECT m.id, m.brand_id AS "brandId", m.merged_into AS "mergedInto" FROM members.member m WHERE m.id = ANY(${p.add(memberIds)}::text[]) AND ${fence}`, p.values);
}

/**
 * The home stores of members of a brand (one statement), to ask stores who operates them now. Unfenced: only the
 * store ids reach the caller's command, which fences the members afterwards (taggableMembers).
 */
export async function homeStoresOf(q: Queryable, brandId: string, memberIds: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ storeId: string }>(
    `SELECT DISTINCT home_store_id AS "storeId" FROM members.member WHERE id = ANY($1::text[]) AND brand_id = $2 AND home_store_id IS NOT NULL`,
    [memberIds, brandId],
  );
  return rows.map((r) => r.storeId);
}

/**
 * Puts every tag on every member (one statement); pairs already there stay as they are. Returns the pairs added.
 * The caller has checked members and tags against its scope and their brand.
 */
export async function addMemberTags(tx: Transaction, memberIds: readonly string[], tagIds: readonly string[]): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `WITH added AS (
       INSERT INTO members.member_tag (member_id, tag_id)
       SELECT m.id, t.id FROM unnest($1::text[]) AS m(id) CROSS JOIN unnest($2::text[]) AS t(id)
       ON CONFLICT (member_id, tag_id) DO NOTHING
       RETURNING 1
     ) SELECT count(*)::int AS n FROM added`,
    [memberIds, tagIds],
  );
  return rows[0]!.n;
}

/** Takes every tag off every member (one statement). Returns the pairs removed. The caller has checked them as for addMemberTags. */
export async function removeMemberTags(tx: Transaction, memberIds: readonly string[], tagIds: readonly string[]): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `WITH removed AS (
       DELETE FROM members.member_tag WHERE member_id = ANY($1::text[]) AND tag_id = ANY($2::text[]) RETURNING 1
     ) SELECT count(*)::int AS n FROM removed`,
    [memberIds, tagIds],
  );
  return rows[0]!.n;
}

/**
 * Demo data: the tags given and, only together with a tag inserted now, its members (one statement). A tag already
 * there is left as it is, with its members, so a second run neither fails nor undoes what users changed.
 */
export async function seedTags(q: Queryable, tags: readonly { id: string; brandId: string; name: string; createdAt: string }[], memberTags: readonly { memberId: string; tagId: string }[]): Promise<void> {
  await q.query(
    `WITH inserted AS (
       INSERT INTO members.tag (id, brand_id, name, created_at)
       SELECT x.id, x."brandId", x.name, x."createdAt" FROM jsonb_to_recordset($1::jsonb) AS x(id text, "brandId" text, name text, "createdAt" timestamptz)
       ON CONFLICT DO NOTHING
       RETURNING id, created_at
     )
     INSERT INTO members.member_tag (member_id, tag_id, tagged_at)
     SELECT y."memberId", i.id, GREATEST(i.created_at, m.joined_at)
       FROM jsonb_to_recordset($2::jsonb) AS y("memberId" text, "tagId" text)
       JOIN inserted i ON i.id = y."tagId"
       JOIN members.member m ON m.id = y."memberId"
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(tags), JSON.stringify(memberTags)],
  );
}
