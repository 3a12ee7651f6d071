import {
  badUserInput,
  fetchPage,
  fetchPagesByParent,
  SqlParams,
  storeRowFence,
  timestampSortKey,
  type Page,
  type PageRequest,
  type Queryable,
  type Scope,
  type Transaction,
} from '@retail/platform';
import type { ChannelIdentity, MemberRecord, NewMember } from '../model';
import { STORE_DIRECTORY } from './store-directory';
import { carriesAllTags } from './tags';

/** The most tags one member list filters by. */
const MAX_FILTER_TAGS = 100;

/**
 * A member is in scope for the platform, its brand, the operator of its home store (through members'
 * store directory), its home store's staff, its exclusive guide and itself (docs/architecture.md §4).
 */
export const memberFence = (scope: Scope, p: SqlParams) =>
  storeRowFence(scope, p, STORE_DIRECTORY.table, { brand: 'm.brand_id', store: 'm.home_store_id', guide: 'm.guide_id', member: 'm.id' });

const COLUMNS = `m.id, m.brand_id AS "brandId", m.one_id AS "oneId", m.display_name AS "displayName", m.phone_masked AS "phoneMasked",
  json_build_object('code', t.code, 'name', t.name, 'rank', t.rank) AS tier, m.joined_at AS "joinedAt", m.join_channel AS "joinChannel",
  m.join_store_id AS "joinStoreId", m.join_guide_id AS "joinGuideId", m.home_store_id AS "homeStoreId", m.guide_id AS "guideId",
  m.merged_into AS "mergedInto",
  to_char(m.birthday, 'YYYY-MM-DD') AS birthday, m.erased_at AS "erasedAt"`;

/** A member with its tier (every member has one: the tier's key is a foreign key). */
const FROM = 'members.member m JOIN members.tier t ON t.brand_id = m.brand_id AND t.code = m.tier_code';

/** Newest first: by joining time, then id. */
const NEWEST = [timestampSortKey('m.joined_at'), 'm.id'] as const;

/** Conditions every member list can take (MemberFilter, StoreMemberFilter); all must hold. */
export interface MemberConditions {
  guideId?: string | null;
  tierCode?: string | null;
  tagIds?: readonly string[] | null;
  /** Joined at or after. */
  joinedFrom?: Date | null;
  /** Joined before (the period is half-open, like PeriodInput). */
  joinedTo?: Date | null;
}

export interface MemberFilter extends MemberConditions {
  brandId?: string | null;
  storeId?: string | null;
}

function conditions(scope: Scope, p: SqlParams, f: MemberFilter): string {
  if (f.tagIds && f.tagIds.length > MAX_FILTER_TAGS) throw badUserInput(`filter by at most ${MAX_FILTER_TAGS} tags`, ['filter', 'tagIds']);
  // A merged member is no longer listed: its survivor stands for it.
  const where = [memberFence(scope, p), 'm.merged_into IS NULL'];
  if (f.brandId) where.push(`m.brand_id = ${p.add(f.brandId)}`);
  if (f.storeId) where.push(`m.home_store_id = ${p.add(f.storeId)}`);
  if (f.guideId) where.push(`m.guide_id = ${p.add(f.guideId)}`);
  if (f.tierCode) where.push(`m.tier_code = ${p.add(f.tierCode)}`);
  if (f.joinedFrom) where.push(`m.joined_at >= ${p.add(f.joinedFrom)}`);
  if (f.joinedTo) where.push(`m.joined_at < ${p.add(f.joinedTo)}`);
  // A segment (圈层) by tags: members carrying all of them.
  if (f.tagIds?.length) where.push(carriesAllTags(p, f.tagIds));
  return where.join(' AND ');
}

/** Members by id, inside the scope (others are absent). */
export async function membersByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<MemberRecord[]> {
  const p = new SqlParams();
  return q.query<MemberRecord>(`SELECT ${COLUMNS} FROM ${FROM} WHERE m.id = ANY(${p.add(ids)}::text[]) AND ${memberFence(scope, p)}`, p.values);
}

/**
 * Members by id as they stand now: a merged member's id answers its survivor, following merged_into to the end of
 * a chain (A→B→C answers C), fenced as the survivor; `askedId` is the id asked for (one statement).
 */
export async function currentMembersByIds(q: Queryable, scope: Scope, ids: readonly string[]): Promise<(MemberRecord & { askedId: string })[]> {
  const p = new SqlParams();
  return q.query<MemberRecord & { askedId: string }>(
    `WITH RECURSIVE chain (asked, id, depth) AS (
       SELECT a.id, a.id, 0 FROM unnest(${p.add(ids)}::text[]) AS a(id)
       UNION ALL
       SELECT c.asked, f.merged_into, c.depth + 1 FROM chain c JOIN members.member f ON f.id = c.id WHERE f.merged_into IS NOT NULL AND c.depth < 64
     )
     SELECT c.asked AS "askedId", ${COLUMNS} FROM ${FROM} JOIN chain c ON c.id = m.id WHERE m.merged_into IS NULL AND ${memberFence(scope, p)}`,
    p.values,
  );
}

/** The `members` list: members inside the scope matching the filter, newest first. */
export async function listMembers(q: Queryable, scope: Scope, filter: MemberFilter, page: PageRequest): Promise<Page<MemberRecord>> {
  const p = new SqlParams();
  return fetchPage<MemberRecord>(q, p, { columns: COLUMNS, from: FROM, where: conditions(scope, p, filter), sort: NEWEST, descending: true }, page);
}

/** One page of members for each home store, newest first, inside the scope (one statement). */
export async function membersOfStores(q: Queryable, scope: Scope, storeIds: readonly string[], filter: MemberConditions, page: PageRequest): Promise<Map<string, Page<MemberRecord>>> {
  const p = new SqlParams();
  const where = conditions(scope, p, filter);
  return fetchPagesByParent<MemberRecord>(q, p, { columns: COLUMNS, from: FROM, where, sort: NEWEST, descending: true, parent: 'm.home_store_id' }, storeIds, page);
}

/** One page of each guide's customers (members whose exclusive guide it is), newest binding first, inside the scope. */
export async function customersOfGuides(q: Queryable, scope: Scope, guideIds: readonly string[], page: PageRequest): Promise<Map<string, Page<MemberRecord>>> {
  const p = new SqlParams();
  return fetchPagesByParent<MemberRecord>(
    q,
    p,
    { columns: COLUMNS, from: FROM, where: `${memberFence(scope, p)} AND m.merged_into IS NULL`, sort: [timestampSortKey('m.guide_bound_at'), 'm.id'], descending: true, parent: 'm.guide_id' },
    guideIds,
    page,
  );
}

// ---- registerMember: idempotency by identity and phone, the OneID, the writes ----

/** Advisory lock class of registrations ("mb"), beside the kernel's own classes. */
const REGISTRATION_LOCK_CLASS = 0x6d62;

/**
 * Serialises registrations of one person in one brand (the same identity, or the same phone) until the
 * transaction ends, so parallel joins create one member. Keys are taken in one order, so two registrations
 * never wait for each other crosswise.
 */
export async function lockRegistration(tx: Transaction, keys: readonly string[]): Promise<void> {
  await tx.query(
    `SELECT pg_advisory_xact_lock(${REGISTRATION_LOCK_CLASS}, s.h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS s`,
    [keys],
  );
}

/** The member a channel account is bound to in the brand. Unfenced: registerMember's idempotency, whoever may see the member. */
export async function memberIdByIdentity(q: Queryable, brandId: string, identity: ChannelIdentity): Promise<string | null> {
  const rows = await q.query<{ memberId: string }>(
    `SELECT member_id AS "memberId" FROM members.channel_identity WHERE brand_id = $1 AND channel = $2 AND app_id = $3 AND external_id = $4`,
    [brandId, identity.channel, identity.appId, identity.externalId],
  );
  return rows[0]?.memberId ?? null;
}

/** The brand's member with this phone (by its keyed hash). Unfenced: registerMember's idempotency. */
export async function memberIdByPhone(q: Queryable, brandId: string, phoneHash: string): Promise<string | null> {
  const rows = await q.query<{ id: string }>(`SELECT id FROM members.member WHERE brand_id = $1 AND phone_hash = $2`, [brandId, phoneHash]);
  return rows[0]?.id ?? null;
}

/**
 * The OneID the person already has in any brand: through the WeChat unionId first (it outlives a recycled phone
 * number), else through the phone's keyed hash; null for a new person. Unfenced by design: OneID links one
 * person across brands; only the OneID leaves this function.
 */
export async function knownOneId(q: Queryable, phoneHash: string, unionId: string | null): Promise<string | null> {
  const rows = await q.query<{ oneId: string }>(
    `SELECT one_id AS "oneId" FROM (
       SELECT m.one_id, 0 AS pref, m.joined_at FROM members.channel_identity i JOIN members.member m ON m.id = i.member_id
        WHERE $2::text IS NOT NULL AND i.union_id = $2::text
       UNION ALL
       SELECT m.one_id, 1, m.joined_at FROM members.member m WHERE m.phone_hash = $1
     ) AS known ORDER BY pref, joined_at LIMIT 1`,
    [phoneHash, unionId],
  );
  return rows[0]?.oneId ?? null;
}

/** Inserts a member; the caller has checked the brand, the store and the guide. Returns when it joined. */
export async function insertMember(tx: Transaction, m: NewMember): Promise<{ joinedAt: Date }> {
  const rows = await tx.query<{ joinedAt: Date }>(
    `INSERT INTO members.member (id, brand_id, one_id, display_name, phone_cipher, phone_hash, phone_masked, tier_code, join_channel, join_store_id, join_guide_id, home_store_id, birthday)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::date) RETURNING joined_at AS "joinedAt"`,
    [m.id, m.brandId, m.oneId, m.displayName, m.phoneCipher, m.phoneHash, m.phoneMasked, m.tierCode, m.joinChannel, m.joinStoreId, m.joinGuideId, m.homeStoreId, m.birthday],
  );
  return rows[0]!;
}
