import { accountRefs, DEV_ACCOUNT_REF_KEY } from '@retail/platform';
import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { applyOrderPaid, membersSubgraph } from '../src';
import { as } from './callers';
import { startMembers, type UserError } from './members-under-test';

// Personal-data rights (PIPL): eraseMember leaves an anonymous tombstone that no path of the graph and no table of the
// members schema links to the person again; memberDataExport gives a member everything held about it.

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
  displayName: string | null;
  phoneMasked: string | null;
  birthday: string | null;
  erasedAt: string | null;
  identities: { channel: string }[];
}

const MEMBER_FIELDS = 'id oneId displayName phoneMasked birthday erasedAt identities { channel externalId } guide { id } homeStore { id }';
const REGISTER = `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { alreadyMember userErrors { code field } member { ${MEMBER_FIELDS} } } }`;
const ERASE = `mutation($input: EraseMemberInput!) { eraseMember(input: $input) { userErrors { code field message } member { ${MEMBER_FIELDS} } } }`;
const EXPORT = `query($id: ID!) { memberDataExport(memberId: $id) }`;

type Erased = { eraseMember: { userErrors: UserError[]; member: MemberOut | null } };

async function register(input: Record<string, unknown>): Promise<MemberOut> {
  const out = await h.data<{ registerMember: { alreadyMember: boolean; userErrors: UserError[]; member: MemberOut } }>(as.lngAdmin, REGISTER, { input });
  expect(out.registerMember.userErrors).toEqual([]);
  return out.registerMember.member;
}

const erase = (viewer: TestViewer, input: Record<string, unknown>) => h.data<Erased>(viewer, ERASE, { input });

/** The person erased below: a name, a phone and an account nobody else in the demo has. */
const NAME = '抹除测试人甲';
const PHONE = '17612345670';
const MASKED = '176****5670';
const WECHAT = { channel: 'WECHAT', appId: 'wx5f3a1c9e2b7d4a01', externalId: 'o-erase-me-1', unionId: 'oU-erase-me-1' };

let person: MemberOut;
let cipher: string;
const memberViewer = (memberId: string): TestViewer => ({ role: 'MEMBER', brandId: 'brand-lng', memberId });

beforeAll(async () => {
  person = await register({ brandId: 'brand-lng', phone: PHONE, displayName: NAME, birthday: '1990-05-17', identity: WECHAT, storeId: 'store-lng-03', guideId: 'gd-lng-03-1' });
  cipher = (await h.db.query<{ c: string }>(`SELECT phone_cipher AS c FROM members.member WHERE id = $1`, [person.id]))[0]!.c;
  await h.db.transaction((tx) =>
    applyOrderPaid(tx, {
      orderId: 'ord-erase-1', brandId: 'brand-lng', storeId: 'store-lng-03', franchiseeId: 'fr-lng-a', memberId: person.id, guideId: 'gd-lng-03-1',
      channel: 'POS', fulfillment: 'IN_STORE', inStore: true, totalFen: 59900, paidFen: 59900, currency: 'CNY',
      placedAt: '2026-03-02T10:00:00+08:00', paidAt: '2026-03-02T10:00:00+08:00',
    }),
  );
  await h.db.query(`INSERT INTO members.tag (id, brand_id, name) VALUES ('tag-erase-1', 'brand-lng', '敏感肌')`);
  await h.db.query(`INSERT INTO members.member_tag (member_id, tag_id) VALUES ($1, 'tag-erase-1')`, [person.id]);
});

describe('birthday', () => {
  it('is kept as a date and shown like the masked phone', async () => {
    expect(person.birthday).toBe('1990-05-17');
    expect(person.phoneMasked).toBe(MASKED);
  });

  it.each(['1990-02-30', '17-05-1990', '1899-12-31', '2999-01-01'])('refuses %s', async (birthday) => {
    const out = await h.data<{ registerMember: { userErrors: UserError[] } }>(as.lngAdmin, REGISTER, {
      input: { brandId: 'brand-lng', phone: '17612340001', birthday, identity: { ...WECHAT, externalId: 'o-bad-birthday', unionId: null }, storeId: 'store-lng-03' },
    });
    expect(out.registerMember.userErrors).toEqual([{ code: 'INVALID_INPUT', field: ['input', 'birthday'] }]);
  });
});

describe('memberDataExport', () => {
  type Export = { member: Record<string, unknown>; identities: unknown[]; guideHistory: unknown[]; tags: unknown[]; tierHistory: unknown[]; purchases: unknown[]; pointsEarned: unknown[]; merges: unknown[]; erasures: unknown[] };
  const exportAs = async (viewer: TestViewer, id = person.id) => {
    const data = await h.data<{ memberDataExport: string | null }>(viewer, EXPORT, { id });
    return data.memberDataExport === null ? null : (JSON.parse(data.memberDataExport) as Export);
  };

  it('gives the member itself everything held, its full phone included', async () => {
    const doc = (await exportAs(memberViewer(person.id)))!;
    expect(doc.member).toMatchObject({ id: person.id, displayName: NAME, phone: PHONE, phoneMasked: MASKED, birthday: '1990-05-17', homeStoreId: 'store-lng-03', guideId: 'gd-lng-03-1', joinChannel: 'WECHAT', erasedAt: null });
    expect(doc.member).not.toHaveProperty('phoneCipher');
    expect(JSON.stringify(doc)).not.toContain(cipher);
    expect(doc.identities).toEqual([expect.objectContaining({ channel: 'WECHAT', externalId: WECHAT.externalId, unionId: WECHAT.unionId })]);
    expect(doc.guideHistory).toEqual([expect.objectContaining({ guideId: 'gd-lng-03-1', reason: 'JOINED_VIA', to: null })]);
    expect(doc.tags).toEqual([expect.objectContaining({ tagId: 'tag-erase-1', name: '敏感肌' })]);
    expect(doc.purchases).toEqual([expect.objectContaining({ orderId: 'ord-erase-1', paidFen: 59900, refundedFen: 0, storeId: 'store-lng-03' })]);
    expect(doc).toMatchObject({ pointsEarned: [], merges: [], erasures: [] });
    expect(Array.isArray(doc.tierHistory)).toBe(true);
  });

  it('gives the platform the masked phone only', async () => {
    const doc = (await exportAs(as.platform))!;
    expect(doc.member).toMatchObject({ displayName: NAME, phone: null, phoneMasked: MASKED });
    expect(JSON.stringify(doc)).not.toContain(PHONE);
  });

  it('is FORBIDDEN to staff roles and null for another member', async () => {
    for (const viewer of [as.lngAdmin, as.lngFranchiseeA, as.lngStaff03, as.lngGuide031, as.partner]) {
      const res = await h.gql(viewer, EXPORT, { id: person.id });
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(res)).not.toContain(NAME);
    }
    expect(await exportAs(as.lngMember1)).toBeNull();
    expect(await exportAs(as.platform, 'mem-nobody')).toBeNull();
    expect(errorCodes(await h.gql(as.anonymous, EXPORT, { id: person.id }))).toEqual(['UNAUTHENTICATED']);
  });

  it('costs one statement per table', async () => {
    const { res, statements } = await h.countStatements(memberViewer(person.id), EXPORT, { id: person.id });
    expect(res.errors).toBeUndefined();
    // the profile, then identities, guide history, tags, tier history, purchases, points earned, merges, erasures
    expect(statements).toBe(9);
  });
});

describe('who may erase', () => {
  it.each([
    ["the member's store operator", as.lngFranchiseeA],
    ["the member's store staff", as.lngStaff03],
    ["the member's guide", as.lngGuide031],
  ])('%s: FORBIDDEN', async (_who, viewer) => {
    const out = await erase(viewer, { memberId: person.id, reason: 'ticket 1' });
    expect(out.eraseMember.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect(out.eraseMember.member).toBeNull();
  });

  it('the member itself: FORBIDDEN (it asks its brand)', async () => {
    const out = await erase(memberViewer(person.id), { memberId: person.id, reason: 'ticket 1' });
    expect(out.eraseMember.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
  });

  it.each([
    ["another brand's admin", as.csmAdmin],
    ['another franchisee', as.lngFranchiseeB],
    ['another member', as.lngMember1],
  ])('%s: NOT_FOUND', async (_who, viewer) => {
    const out = await erase(viewer, { memberId: person.id, reason: 'ticket 1' });
    expect(out.eraseMember.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('an anonymous caller: UNAUTHENTICATED', async () => {
    expect(errorCodes(await h.gql(as.anonymous, ERASE, { input: { memberId: person.id, reason: 'x' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    ['the name', `request of ${NAME}`],
    ['the phone', 'called from 176-1234-5670'],
    ['the masked phone', `member ${MASKED}`],
    ['an empty reason', '  '],
  ])('refuses a reason with %s (INVALID_INPUT), changing nothing', async (_what, reason) => {
    const out = await erase(as.lngAdmin, { memberId: person.id, reason });
    expect(out.eraseMember.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'reason'] })]);
    const row = await h.db.query<{ erasedAt: Date | null }>(`SELECT erased_at AS "erasedAt" FROM members.member WHERE id = $1`, [person.id]);
    expect(row[0]!.erasedAt).toBeNull();
  });
});

describe('eraseMember', () => {
  const erasedEvents = (memberId: string) =>
    h.db.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM members.outbox WHERE topic = 'members.member.erased' AND key = $1`, [memberId]);

  it('leaves a tombstone, once, under parallel requests', async () => {
    const outs = await Promise.all(Array.from({ length: 6 }, () => erase(as.lngAdmin, { memberId: person.id, reason: 'PIPL ticket 2026-001' })));
    for (const out of outs) {
      expect(out.eraseMember.userErrors).toEqual([]);
      expect(out.eraseMember.member).toMatchObject({ id: person.id, displayName: null, phoneMasked: null, birthday: null, identities: [], guide: { id: 'gd-lng-03-1' }, homeStore: { id: 'store-lng-03' } });
      expect(out.eraseMember.member!.erasedAt).not.toBeNull();
      expect(out.eraseMember.member!.oneId).not.toBe(person.oneId);
    }
    const events = await erasedEvents(person.id);
    expect(events).toHaveLength(1);
    // The account goes as its keyed ref (ACCOUNT_REF_KEY), never its id: the event log keeps every event.
    const ref = accountRefs(DEV_ACCOUNT_REF_KEY).of({ channel: 'WECHAT', appId: WECHAT.appId, externalId: WECHAT.externalId });
    expect(events[0]!.payload).toEqual({ memberId: person.id, brandId: 'brand-lng', erasedAt: outs[0]!.eraseMember.member!.erasedAt, accountRefs: [ref] });
    expect(JSON.stringify(events[0]!.payload)).not.toContain(WECHAT.externalId);
    const audit = await h.db.query(`SELECT member_id, brand_id, actor_role, actor_scope, reason FROM members.member_erasure WHERE member_id = $1`, [person.id]);
    expect(audit).toEqual([{ member_id: person.id, brand_id: 'brand-lng', actor_role: 'BRAND_ADMIN', actor_scope: 'brand:brand-lng', reason: 'PIPL ticket 2026-001' }]);
  });

  it('changes nothing the second time and publishes nothing', async () => {
    const before = await h.db.query(`SELECT one_id, erased_at, updated_at FROM members.member WHERE id = $1`, [person.id]);
    const out = await erase(as.platform, { memberId: person.id, reason: 'again' });
    expect(out.eraseMember.userErrors).toEqual([]);
    expect(out.eraseMember.member!.erasedAt).not.toBeNull();
    expect(await h.db.query(`SELECT one_id, erased_at, updated_at FROM members.member WHERE id = $1`, [person.id])).toEqual(before);
    expect(await erasedEvents(person.id)).toHaveLength(1);
    expect(await h.db.query(`SELECT 1 FROM members.member_erasure WHERE member_id = $1`, [person.id])).toHaveLength(1);
  });

  it('takes the tags off (they describe the person)', async () => {
    expect(await h.db.query(`SELECT tag_id FROM members.member_tag WHERE member_id = $1`, [person.id])).toEqual([]);
    expect(await h.db.query(`SELECT id FROM members.tag WHERE id = 'tag-erase-1'`)).toEqual([{ id: 'tag-erase-1' }]);
  });

  it('keeps the purchases and guide history of the tombstone', async () => {
    expect(await h.db.query(`SELECT order_id FROM members.purchase WHERE member_id = $1`, [person.id])).toEqual([{ order_id: 'ord-erase-1' }]);
    expect(await h.db.query(`SELECT guide_id FROM members.guide_assignment WHERE member_id = $1`, [person.id])).toEqual([{ guide_id: 'gd-lng-03-1' }]);
  });

  describe('no query on any path, as anyone, returns the name or phone', () => {
    const QUERIES: [string, string, Record<string, unknown>][] = [
      ['member', `query($id: ID!) { member(id: $id) { ${MEMBER_FIELDS} } }`, { id: '' }],
      ['members', `query { members(first: 100, filter: { storeId: "store-lng-03" }) { edges { node { ${MEMBER_FIELDS} } } } }`, {}],
      ['Store.members', `query { _entities(representations: [{ __typename: "Store", id: "store-lng-03" }]) { ... on Store { members(first: 100) { edges { node { ${MEMBER_FIELDS} } } } } } }`, {}],
      ['Guide.customers', `query { _entities(representations: [{ __typename: "Guide", id: "gd-lng-03-1" }]) { ... on Guide { customers(first: 100) { edges { node { ${MEMBER_FIELDS} } } } } } }`, {}],
      ['_entities', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { ${MEMBER_FIELDS} } } }`, { r: [] }],
      ['memberByIdentity', `query { memberByIdentity(channel: WECHAT, appId: "${WECHAT.appId}", externalId: "${WECHAT.externalId}", brandId: "brand-lng") { ${MEMBER_FIELDS} } }`, {}],
      ['memberDataExport', EXPORT, { id: '' }],
    ];
    const VIEWERS: [string, TestViewer][] = [
      ['platform', as.platform],
      ['brand admin', as.lngAdmin],
      ['franchisee', as.lngFranchiseeA],
      ['staff', as.lngStaff03],
      ['guide', as.lngGuide031],
      ['the member itself', { role: 'MEMBER', brandId: 'brand-lng', memberId: '' }],
    ];

    it.each(VIEWERS)('as %s', async (_who, given) => {
      const viewer = given.role === 'MEMBER' ? memberViewer(person.id) : given;
      let seen = 0;
      for (const [, query, vars] of QUERIES) {
        const variables = { ...vars, ...('id' in vars ? { id: person.id } : {}), ...('r' in vars ? { r: [{ __typename: 'Member', id: person.id }] } : {}) };
        const text = JSON.stringify(await h.gql(viewer, query, variables));
        for (const secret of [NAME, PHONE, MASKED, cipher]) expect([query.slice(0, 40), text.includes(secret)]).toEqual([query.slice(0, 40), false]);
        if (text.includes(person.id)) seen++;
      }
      // the tombstone still resolves (member and _entities at least) for everyone who saw the member
      expect(seen).toBeGreaterThanOrEqual(2);
    });
  });

  it('leaves no name, phone, ciphertext or account id in any table of the members and events schemas', async () => {
    const columns = await h.db.query<{ schema: string; table: string; column: string }>(
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
         FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema IN ('members', 'events') AND t.table_type = 'BASE TABLE'
          AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'character')`,
    );
    expect(columns.map((c) => `${c.schema}.${c.table}.${c.column}`)).toEqual(expect.arrayContaining(['members.member.display_name', 'members.outbox.payload', 'members.idempotency_keys.response', 'members.member_erasure.reason']));
    const found: string[] = [];
    for (const c of columns) {
      for (const secret of [NAME, PHONE, MASKED, cipher, PHONE.slice(3), WECHAT.externalId, WECHAT.unionId]) {
        const hits = await h.db.query(`SELECT 1 FROM ${c.schema}."${c.table}" WHERE "${c.column}"::text LIKE '%' || $1 || '%' LIMIT 1`, [secret]);
        if (hits.length) found.push(`${c.schema}.${c.table}.${c.column}: ${secret}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('lets the same phone and account join again as a new member', async () => {
    const again = await register({ brandId: 'brand-lng', phone: PHONE, displayName: NAME, identity: WECHAT, storeId: 'store-lng-03' });
    expect(again.id).not.toBe(person.id);
    expect(again.phoneMasked).toBe(MASKED);
    const tombstone = await h.data<{ member: MemberOut }>(as.lngAdmin, `query($id: ID!) { member(id: $id) { ${MEMBER_FIELDS} } }`, { id: person.id });
    expect(tombstone.member).toMatchObject({ displayName: null, phoneMasked: null, identities: [] });
    expect(tombstone.member.oneId).not.toBe(again.oneId);
  });

  it('idempotency key: a retry replays, a reuse for another member is IDEMPOTENCY_KEY_REUSED', async () => {
    const other = await register({ brandId: 'brand-lng', phone: '17612345671', displayName: '抹除测试人乙', identity: { ...WECHAT, externalId: 'o-erase-me-2', unionId: null }, storeId: 'store-lng-03' });
    const first = await erase(as.lngAdmin, { memberId: other.id, reason: 'ticket 7', idempotencyKey: 'erase-key-1' });
    const retry = await erase(as.lngAdmin, { memberId: other.id, reason: 'ticket 7', idempotencyKey: 'erase-key-1' });
    expect(first.eraseMember.member!.erasedAt).not.toBeNull();
    expect(retry.eraseMember.member).toEqual(first.eraseMember.member);
    const reuse = await erase(as.lngAdmin, { memberId: person.id, reason: 'ticket 7', idempotencyKey: 'erase-key-1' });
    expect(reuse.eraseMember.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(await erasedEvents(other.id)).toHaveLength(1);
    const stored = await h.db.query<{ response: unknown }>(`SELECT response FROM members.idempotency_keys WHERE operation = 'eraseMember'`);
    expect(stored).toEqual([{ response: { memberId: other.id, erasedCount: 1 } }]);
  });

  it('erases every member of the person: the survivor and the members merged into it', async () => {
    const survivor = await register({ brandId: 'brand-lng', phone: '17612345672', displayName: '抹除测试人丙', identity: { ...WECHAT, externalId: 'o-erase-me-3', unionId: null }, storeId: 'store-lng-03' });
    const merged = await register({ brandId: 'brand-lng', phone: '17612345673', displayName: '抹除测试人丙二', identity: { ...WECHAT, externalId: 'o-erase-me-4', unionId: null }, storeId: 'store-lng-03' });
    await h.db.query(`UPDATE members.member SET merged_into = $2, merged_at = now() WHERE id = $1`, [merged.id, survivor.id]);
    // asked by the merged member's id: the person's whole membership goes
    const out = await erase(as.lngAdmin, { memberId: merged.id, reason: 'ticket 8' });
    expect(out.eraseMember.userErrors).toEqual([]);
    const rows = await h.db.query<{ id: string; display_name: string | null; phone_hash: string | null; erased: boolean }>(
      `SELECT id, display_name, phone_hash, erased_at IS NOT NULL AS erased FROM members.member WHERE id = ANY($1::text[]) ORDER BY id`,
      [[survivor.id, merged.id]],
    );
    expect(rows).toEqual(expect.arrayContaining([{ id: survivor.id, display_name: null, phone_hash: null, erased: true }, { id: merged.id, display_name: null, phone_hash: null, erased: true }]));
    // Each event carries the refs of the accounts its own member held.
    const refOf = (externalId: string) => accountRefs(DEV_ACCOUNT_REF_KEY).of({ channel: 'WECHAT', appId: WECHAT.appId, externalId });
    expect((await erasedEvents(survivor.id)).map((e) => e.payload.accountRefs)).toEqual([[refOf('o-erase-me-3')]]);
    expect((await erasedEvents(merged.id)).map((e) => e.payload.accountRefs)).toEqual([[refOf('o-erase-me-4')]]);
  });
});
