import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { as } from './callers';
import { startMembers, type UserError } from './members-under-test';

// mergeMembers (docs/events.md, members.member.merged): everything of the merged member moves to the survivor in one
// transaction, audited and published once; the merged id answers the survivor afterwards (member, _entities,
// memberFacts, registerMember); idempotent by key; only a brand admin of the members' brand or the platform merges.

let h: SubgraphHarness;
beforeAll(async () => {
  h = await startMembers();
});
afterAll(async () => {
  await h?.close();
});

interface MemberOut {
  id: string;
  oneId: string;
  tier: { code: string };
  identities: { channel: string; externalId: string }[];
  homeStore: { id: string } | null;
  guide: { id: string } | null;
  guideHistory: { guide: { id: string }; reason: string; to: string | null }[];
  mergedInto: { id: string } | null;
}

interface Merged {
  survivor: MemberOut | null;
  merged: MemberOut | null;
  userErrors: UserError[];
}

const MEMBER_FIELDS = `id oneId tier { code } identities { channel externalId } homeStore { id } guide { id } guideHistory { guide { id } reason to } mergedInto { id }`;
const MERGE = `mutation($input: MergeMembersInput!) { mergeMembers(input: $input) { survivor { ${MEMBER_FIELDS} } merged { ${MEMBER_FIELDS} } userErrors { code field } } }`;

let seq = 0;
const freshIdentity = (channel = 'WECHAT') => ({ channel, appId: 'app-merge-test', externalId: `ext-merge-${++seq}` });
const freshPhone = () => `1590000${String(++seq).padStart(4, '0')}`;
const freshKey = () => `merge-key-${++seq}`;

interface NewMember {
  id: string;
  phone: string;
  identity: ReturnType<typeof freshIdentity>;
}

/** A new member of brand-lng; by default at store-lng-03 through guide gd-lng-03-1. */
async function newMember(extra: Record<string, unknown> = { storeId: 'store-lng-03', guideId: 'gd-lng-03-1' }, brandId = 'brand-lng'): Promise<NewMember> {
  const phone = freshPhone();
  const identity = freshIdentity();
  const d = await h.data<{ registerMember: { member: { id: string }; userErrors: UserError[] } }>(
    as.platform,
    `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code field } } }`,
    { input: { brandId, phone, identity, ...extra } },
  );
  expect(d.registerMember.userErrors).toEqual([]);
  return { id: d.registerMember.member.id, phone, identity };
}

async function merge(viewer: TestViewer, survivorId: string, mergedId: string, idempotencyKey = freshKey()): Promise<Merged> {
  const res = await h.gql<{ mergeMembers: Merged }>(viewer, MERGE, { input: { idempotencyKey, survivorId, mergedId } });
  expect(res.errors).toBeUndefined();
  return res.data!.mergeMembers;
}

const codes = (m: Merged) => m.userErrors.map((e) => e.code);
const count = async (sql: string, params: unknown[] = []) => (await h.db.query<{ n: number }>(sql, params))[0]!.n;
const memberQuery = async (viewer: TestViewer, id: string) =>
  (await h.data<{ member: MemberOut | null }>(viewer, `query($id: ID!) { member(id: $id) { ${MEMBER_FIELDS} } }`, { id })).member;
const entities = async (viewer: TestViewer, ids: string[]) =>
  (
    await h.data<{ _entities: ({ id: string } | null)[] }>(viewer, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id } } }`, {
      r: ids.map((id) => ({ __typename: 'Member', id })),
    })
  )._entities.map((e) => e?.id ?? null);

async function bindIdentity(memberId: string, channel: string) {
  const identity = freshIdentity(channel);
  const d = await h.data<{ bindChannelIdentity: { userErrors: UserError[] } }>(
    as.lngAdmin,
    `mutation($input: BindChannelIdentityInput!) { bindChannelIdentity(input: $input) { userErrors { code field } } }`,
    { input: { memberId, identity } },
  );
  expect(d.bindChannelIdentity.userErrors).toEqual([]);
  return identity;
}

async function tag(memberId: string, name: string) {
  await h.db.query(`INSERT INTO members.tag (id, brand_id, name) VALUES ($1, 'brand-lng', $2) ON CONFLICT DO NOTHING`, [`tag-merge-${name}`, name]);
  await h.db.query(`INSERT INTO members.member_tag (member_id, tag_id) VALUES ($1, $2)`, [memberId, `tag-merge-${name}`]);
}

async function purchase(memberId: string, paidFen: number) {
  await h.db.query(
    `INSERT INTO members.purchase (order_id, brand_id, store_id, member_id, channel, in_store, paid_fen, currency, paid_at) VALUES ($1, 'brand-lng', 'store-lng-03', $2, 'POS', true, $3, 'CNY', now())`,
    [`ord-merge-${++seq}`, memberId, paidFen],
  );
}

async function pointsEarned(memberId: string, points: number) {
  await h.db.query(`INSERT INTO members.points_earned (entry_id, brand_id, member_id, points, booked_at) VALUES ($1, 'brand-lng', $2, $3, now())`, [`pe-merge-${++seq}`, memberId, points]);
}

describe('mergeMembers', () => {
  let survivor: NewMember;
  let merged: NewMember;
  let result: Merged;
  const key = freshKey();
  const movedIdentities: { channel: string; externalId: string }[] = [];
  let survivorTmall: { externalId: string };

  beforeAll(async () => {
    survivor = await newMember();
    merged = await newMember({ storeId: 'store-lng-03', guideId: 'gd-lng-03-2' });
    survivorTmall = await bindIdentity(survivor.id, 'TMALL');
    movedIdentities.push(merged.identity, await bindIdentity(merged.id, 'JD'));
    await tag(survivor.id, 'both');
    await tag(merged.id, 'both');
    await tag(merged.id, 'merged-only');
    await tag(survivor.id, 'survivor-only');
    await purchase(survivor.id, 1000);
    await purchase(merged.id, 2000);
    await purchase(merged.id, 3000);
    await pointsEarned(merged.id, 20);
    await pointsEarned(merged.id, -5);
    result = await merge(as.lngAdminMerger, survivor.id, merged.id, key);
  });

  it('moves every identity, tag, guide history row, purchase and earned-points row to the survivor', async () => {
    expect(result.userErrors).toEqual([]);
    expect(result.survivor!.id).toBe(survivor.id);
    expect(result.survivor!.identities.map((i) => i.externalId).sort()).toEqual(
      [survivor.identity, survivorTmall, ...movedIdentities].map((i) => i.externalId).sort(),
    );
    expect(result.merged).toMatchObject({ id: merged.id, identities: [], guide: null, guideHistory: [], mergedInto: { id: survivor.id } });

    for (const table of ['channel_identity', 'member_tag', 'guide_assignment', 'purchase', 'points_earned']) {
      expect([table, await count(`SELECT count(*)::int AS n FROM members.${table} WHERE member_id = $1`, [merged.id])]).toEqual([table, 0]);
    }
    const tags = await h.db.query<{ tagId: string }>(`SELECT tag_id AS "tagId" FROM members.member_tag WHERE member_id = $1 ORDER BY tag_id`, [survivor.id]);
    expect(tags.map((t) => t.tagId)).toEqual(['tag-merge-both', 'tag-merge-merged-only', 'tag-merge-survivor-only']);
    expect(await count(`SELECT count(*)::int AS n FROM members.purchase WHERE member_id = $1`, [survivor.id])).toBe(3);
    expect(await count(`SELECT coalesce(sum(points), 0)::int AS n FROM members.points_earned WHERE member_id = $1`, [survivor.id])).toBe(15);
  });

  it("keeps the survivor's own guide and closes the merged member's binding, which joins the survivor's history", async () => {
    const s = result.survivor!;
    expect(s.guide).toEqual({ id: 'gd-lng-03-1' });
    expect(s.homeStore).toEqual({ id: 'store-lng-03' });
    const history = s.guideHistory.map((a) => [a.guide.id, a.reason, a.to === null]);
    expect(history).toHaveLength(2);
    expect(history).toEqual(expect.arrayContaining([['gd-lng-03-1', 'JOINED_VIA', true], ['gd-lng-03-2', 'JOINED_VIA', false]]));
    const [row] = await h.db.query<{ to: Date; mergedAt: Date }>(
      `SELECT a.to_at AS "to", m.merged_at AS "mergedAt" FROM members.guide_assignment a JOIN members.member m ON m.id = $2 WHERE a.member_id = $1 AND a.guide_id = 'gd-lng-03-2'`,
      [survivor.id, merged.id],
    );
    expect(row!.to.getTime()).toBe(row!.mergedAt.getTime());
  });

  it('answers the survivor for the merged id: member(id), _entities, fenced as the survivor', async () => {
    expect((await memberQuery(as.lngAdmin, merged.id))!.id).toBe(survivor.id);
    expect(await entities(as.lngAdmin, [merged.id, survivor.id, 'mem-nope'])).toEqual([survivor.id, survivor.id, null]);
    // The survivor's guide reaches it through the merged id; the merged member's former guide no longer does.
    expect((await memberQuery(as.lngGuide031, merged.id))!.id).toBe(survivor.id);
    expect(await memberQuery(as.lngGuide032, merged.id)).toBeNull();
    expect(await entities(as.lngGuide032, [merged.id])).toEqual([null]);
    expect(await memberQuery(as.csmAdmin, merged.id)).toBeNull();
  });

  it('leaves the merged member out of every list', async () => {
    const listed = await h.data<{ members: { edges: { node: { id: string } }[] } }>(
      as.lngAdmin,
      `{ members(filter: { storeId: "store-lng-03" }, first: 100) { edges { node { id } } } }`,
    );
    const ids = listed.members.edges.map((e) => e.node.id);
    expect(ids).toContain(survivor.id);
    expect(ids).not.toContain(merged.id);
    const customers = await h.data<{ _entities: { customers: { edges: { node: { id: string } }[] } }[] }>(
      as.lngAdmin,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Guide { customers(first: 100) { edges { node { id } } } } } }`,
      { r: [{ __typename: 'Guide', id: 'gd-lng-03-2' }] },
    );
    expect(customers._entities[0]!.customers.edges.map((e) => e.node.id)).not.toContain(merged.id);
  });

  it('audits the merge and publishes members.member.merged once, with ids and counts only', async () => {
    const audits = await h.db.query<Record<string, unknown>>(`SELECT * FROM members.member_merge WHERE merged_id = $1`, [merged.id]);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      brand_id: 'brand-lng',
      survivor_id: survivor.id,
      merged_id: merged.id,
      actor: 'brand:brand-lng',
      identities_moved: 2,
      tags_moved: 2,
      assignments_moved: 1,
      purchases_moved: 2,
      points_rows_moved: 2,
    });
    expect(audits[0]!.id).toMatch(/^mrg-/);
    const events = await h.db.query<{ key: string; payload: Record<string, unknown> }>(`SELECT key, payload FROM members.outbox WHERE topic = 'members.member.merged' AND key = $1`, [merged.id]);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      mergeId: audits[0]!.id,
      brandId: 'brand-lng',
      survivorId: survivor.id,
      mergedId: merged.id,
      oneId: result.survivor!.oneId,
      mergedAt: (audits[0]!.merged_at as Date).toISOString(),
    });
    const [stored] = await h.db.query<{ response: unknown }>(`SELECT response FROM members.idempotency_keys WHERE operation = 'mergeMembers' AND key = $1`, [key]);
    expect(stored!.response).toEqual({
      mergeId: audits[0]!.id,
      survivorId: survivor.id,
      mergedId: merged.id,
      moved: { identities: 2, tags: 2, guideAssignments: 1, purchases: 2, pointsEarned: 2 },
    });
  });

  it('replays the same key with the same result and no second effect; the key with another request is IDEMPOTENCY_KEY_REUSED', async () => {
    expect(await merge(as.lngAdminMerger, survivor.id, merged.id, key)).toEqual(result);
    expect(await count(`SELECT count(*)::int AS n FROM members.member_merge WHERE merged_id = $1`, [merged.id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM members.outbox WHERE topic = 'members.member.merged' AND key = $1`, [merged.id])).toBe(1);
    const other = await newMember();
    const reused = await merge(as.lngAdminMerger, survivor.id, other.id, key);
    expect(reused).toEqual({ survivor: null, merged: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }] });
    expect((await memberQuery(as.lngAdmin, other.id))!.mergedInto).toBeNull();
  });

  it('returns the survivor when the merged member joins again by its phone or its account (alreadyMember)', async () => {
    const REGISTER = `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { alreadyMember member { id } userErrors { code } } }`;
    for (const input of [
      { brandId: 'brand-lng', phone: merged.phone, identity: freshIdentity() },
      { brandId: 'brand-lng', phone: freshPhone(), identity: merged.identity },
    ]) {
      const d = await h.data<{ registerMember: { alreadyMember: boolean; member: { id: string }; userErrors: unknown[] } }>(as.lngAdmin, REGISTER, { input });
      expect(d.registerMember).toEqual({ alreadyMember: true, member: { id: survivor.id }, userErrors: [] });
    }
  });

  it('refuses to bind an account to the merged member (MEMBER_MERGED) or to merge it again', async () => {
    const d = await h.data<{ bindChannelIdentity: { userErrors: UserError[] } }>(
      as.lngAdmin,
      `mutation($input: BindChannelIdentityInput!) { bindChannelIdentity(input: $input) { userErrors { code field } } }`,
      { input: { memberId: merged.id, identity: freshIdentity('POS') } },
    );
    expect(d.bindChannelIdentity.userErrors).toEqual([{ code: 'MEMBER_MERGED', field: ['input', 'memberId'] }]);
    const third = await newMember();
    expect((await merge(as.lngAdminMerger, third.id, merged.id)).userErrors).toEqual([{ code: 'MEMBER_MERGED', field: ['input', 'mergedId'] }]);
    expect((await merge(as.lngAdminMerger, merged.id, third.id)).userErrors).toEqual([{ code: 'MEMBER_MERGED', field: ['input', 'survivorId'] }]);
  });
});

describe('mergeMembers: guides, chains and refusals', () => {
  it("gives a survivor without a guide or home store the merged member's", async () => {
    const online = await newMember({});
    const inStore = await newMember({ storeId: 'store-lng-03', guideId: 'gd-lng-03-2' });
    const r = await merge(as.platform, online.id, inStore.id);
    expect(r.userErrors).toEqual([]);
    expect(r.survivor).toMatchObject({
      id: online.id,
      guide: { id: 'gd-lng-03-2' },
      homeStore: { id: 'store-lng-03' },
      guideHistory: [{ guide: { id: 'gd-lng-03-2' }, reason: 'JOINED_VIA', to: null }],
    });
    // Now the guide's customer and the store's member.
    expect((await memberQuery(as.lngGuide032, online.id))!.id).toBe(online.id);
    expect((await memberQuery(as.lngStaff03, inStore.id))!.id).toBe(online.id);
  });

  it('follows a chain of merges: A→B, then B→C answers C for A', async () => {
    const a = await newMember();
    const b = await newMember();
    const c = await newMember();
    expect((await merge(as.lngAdminMerger, b.id, a.id)).userErrors).toEqual([]);
    const second = await merge(as.lngAdminMerger, c.id, b.id);
    expect(second.userErrors).toEqual([]);
    expect(second.merged).toMatchObject({ id: b.id, mergedInto: { id: c.id } });
    expect(second.survivor!.identities.map((i) => i.externalId).sort()).toEqual([a, b, c].map((m) => m.identity.externalId).sort());
    expect((await memberQuery(as.lngAdmin, a.id))!.id).toBe(c.id);
    expect(await entities(as.lngAdmin, [a.id, b.id, c.id])).toEqual([c.id, c.id, c.id]);
  });

  it('checks the input: two distinct members, a key', async () => {
    const m = await newMember();
    expect((await merge(as.lngAdminMerger, m.id, m.id)).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'mergedId'] }]);
    expect((await merge(as.lngAdminMerger, m.id, 'mem-lng-0002', '')).userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'idempotencyKey'] }]);
    expect((await merge(as.lngAdminMerger, m.id, 'mem-nope')).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'mergedId'] }]);
  });

  it('refuses members of two brands (BRAND_MISMATCH) and erased members', async () => {
    const lng = await newMember();
    const csm = await newMember({}, 'brand-csm');
    expect((await merge(as.platform, lng.id, csm.id)).userErrors).toEqual([{ code: 'BRAND_MISMATCH', field: ['input', 'mergedId'] }]);
    const erased = await newMember();
    await h.db.query(
      `UPDATE members.member SET display_name = NULL, phone_cipher = NULL, phone_hash = NULL, phone_masked = NULL, birthday = NULL, erased_at = now() WHERE id = $1`,
      [erased.id],
    );
    expect((await merge(as.platform, lng.id, erased.id)).userErrors).toEqual([{ code: 'INVALID_TRANSITION', field: ['input', 'mergedId'] }]);
    expect((await merge(as.platform, erased.id, lng.id)).userErrors).toEqual([{ code: 'INVALID_TRANSITION', field: ['input', 'survivorId'] }]);
    expect(await count(`SELECT count(*)::int AS n FROM members.member_merge WHERE merged_id = ANY($1::text[])`, [[lng.id, csm.id, erased.id]])).toBe(0);
  });

  it('lets only a brand admin of the members\' brand or the platform merge, with the members:merge scope', async () => {
    const s = await newMember();
    const m = await newMember();
    for (const viewer of [as.lngFranchiseeAMerger, as.lngGuide031Merger]) {
      expect([viewer.role, (await merge(viewer, s.id, m.id)).userErrors]).toEqual([viewer.role, [{ code: 'FORBIDDEN', field: ['input', 'survivorId'] }]]);
    }
    expect((await merge(as.csmAdminMerger, s.id, m.id)).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'survivorId'] }]);
    for (const viewer of [as.lngAdmin, as.lngFranchiseeA, as.lngGuide031, as.lngStaff03, { role: 'MEMBER', brandId: 'brand-lng', memberId: s.id } as TestViewer]) {
      const res = await h.gql(viewer, MERGE, { input: { idempotencyKey: freshKey(), survivorId: s.id, mergedId: m.id } });
      expect([viewer.role, errorCodes(res)]).toEqual([viewer.role, ['FORBIDDEN']]);
    }
    expect(errorCodes(await h.gql(as.anonymous, MERGE, { input: { idempotencyKey: freshKey(), survivorId: s.id, mergedId: m.id } }))).toEqual(['UNAUTHENTICATED']);
    expect(await count(`SELECT count(*)::int AS n FROM members.member WHERE id = ANY($1::text[]) AND merged_into IS NOT NULL`, [[s.id, m.id]])).toBe(0);
    expect((await merge(as.lngAdminMerger, s.id, m.id)).userErrors).toEqual([]);
  });

  it('merges once under parallel duplicates of one key, and only one way when two admins merge a pair crosswise', async () => {
    const s = await newMember();
    const m = await newMember();
    const key = freshKey();
    const same = await Promise.all(Array.from({ length: 6 }, () => merge(as.lngAdminMerger, s.id, m.id, key)));
    for (const r of same) expect(r).toEqual(same[0]);
    expect(same[0]!.userErrors).toEqual([]);
    expect(await count(`SELECT count(*)::int AS n FROM members.member_merge WHERE merged_id = $1`, [m.id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM members.outbox WHERE topic = 'members.member.merged' AND key = $1`, [m.id])).toBe(1);

    const x = await newMember();
    const y = await newMember();
    const crosswise = await Promise.all([merge(as.lngAdminMerger, x.id, y.id), merge(as.platform, y.id, x.id), merge(as.lngAdminMerger, x.id, y.id), merge(as.platform, y.id, x.id)]);
    const won = crosswise.filter((r) => r.userErrors.length === 0);
    expect(won).toHaveLength(1);
    expect(crosswise.filter((r) => codes(r).join() === 'MEMBER_MERGED')).toHaveLength(3);
    expect(await count(`SELECT count(*)::int AS n FROM members.member_merge WHERE merged_id = ANY($1::text[])`, [[x.id, y.id]])).toBe(1);
  });
});

describe('memberFacts (internal, for orders)', () => {
  const FACTS = `query($ids: [ID!]!) { memberFacts(ids: $ids) { id memberId brandId oneId homeStoreId guideId erased } }`;

  it('answers each member found, a merged one by its survivor, for a SERVICE caller only', async () => {
    const s = await newMember();
    const m = await newMember({ storeId: 'store-lng-03', guideId: 'gd-lng-03-2' });
    const online = await newMember({});
    expect((await merge(as.platform, s.id, m.id)).userErrors).toEqual([]);
    await h.db.query(`UPDATE members.member SET display_name = NULL, phone_cipher = NULL, phone_hash = NULL, phone_masked = NULL, birthday = NULL, erased_at = now() WHERE id = $1`, [online.id]);
    const sOneId = (await memberQuery(as.platform, s.id))!.oneId;
    const d = await h.data<{ memberFacts: unknown[] }>(as.service, FACTS, { ids: [m.id, 'mem-nope', s.id, 'mem-csm-0003', online.id] });
    expect(d.memberFacts).toEqual([
      { id: m.id, memberId: s.id, brandId: 'brand-lng', oneId: sOneId, homeStoreId: 'store-lng-03', guideId: 'gd-lng-03-1', erased: false },
      { id: s.id, memberId: s.id, brandId: 'brand-lng', oneId: sOneId, homeStoreId: 'store-lng-03', guideId: 'gd-lng-03-1', erased: false },
      expect.objectContaining({ id: 'mem-csm-0003', memberId: 'mem-csm-0003', brandId: 'brand-csm', erased: false }),
      expect.objectContaining({ id: online.id, memberId: online.id, homeStoreId: null, guideId: null, erased: true }),
    ]);
    for (const viewer of [as.platform, as.lngAdmin, as.lngStaff03, as.lngMember1, as.partner]) {
      expect([viewer.role, errorCodes(await h.gql(viewer, FACTS, { ids: [s.id] }))]).toEqual([viewer.role, ['FORBIDDEN']]);
    }
    expect(errorCodes(await h.gql(as.anonymous, FACTS, { ids: [s.id] }))).toEqual(['UNAUTHENTICATED']);
  });

  it('costs the same single statement for 5 and for 50 ids', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `mem-lng-${String(i + 1).padStart(4, '0')}`);
    const small = await h.countStatements<{ memberFacts: unknown[] }>(as.service, FACTS, { ids: ids(5) });
    const large = await h.countStatements<{ memberFacts: unknown[] }>(as.service, FACTS, { ids: ids(50) });
    expect(large.res.errors).toBeUndefined();
    expect(large.res.data!.memberFacts).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBe(1);
    const tooMany = await h.gql(as.service, FACTS, { ids: ids(101) });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
  });
});
