import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { as } from './callers';
import { demoStoresPeer, startMembers, type UserError } from './members-under-test';

// Channel identities (docs/architecture.md §4): bindChannelIdentity — who may bind, the same account again, an account
// of another member (never moved; a merge proposal for admins), parallel binds — and memberByIdentity with its fence.

let h: SubgraphHarness;
const stores = demoStoresPeer();
beforeAll(async () => {
  h = await startMembers(stores);
});
afterAll(async () => {
  await h?.close();
});

interface Bound {
  member: { id: string; oneId: string; identities: { channel: string; appId: string; externalId: string; unionId: string | null; boundAt: string }[] } | null;
  mergeCandidate: { id: string } | null;
  userErrors: UserError[];
}

const BIND = `mutation($input: BindChannelIdentityInput!) { bindChannelIdentity(input: $input) {
  member { id oneId identities { channel appId externalId unionId boundAt } } mergeCandidate { id } userErrors { code field } } }`;

let seq = 0;
const freshIdentity = (channel = 'TMALL', extra: Record<string, unknown> = {}) => ({ channel, appId: 'app-bind-test', externalId: `ext-bind-${++seq}`, ...extra });
const freshPhone = () => `1360000${String(++seq).padStart(4, '0')}`;

/** A new member of brand-lng at store-lng-03, bound to guide gd-lng-03-1 (or another guide given). */
async function newMember(extra: Record<string, unknown> = {}): Promise<string> {
  const d = await h.data<{ registerMember: { member: { id: string }; userErrors: UserError[] } }>(
    as.lngAdmin,
    `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } userErrors { code field } } }`,
    { input: { brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity('WECHAT'), storeId: 'store-lng-03', guideId: 'gd-lng-03-1', ...extra } },
  );
  expect(d.registerMember.userErrors).toEqual([]);
  return d.registerMember.member.id;
}

async function bind(viewer: TestViewer, memberId: string, identity: Record<string, unknown>): Promise<Bound> {
  const res = await h.gql<{ bindChannelIdentity: Bound }>(viewer, BIND, { input: { memberId, identity } });
  expect(res.errors).toBeUndefined();
  return res.data!.bindChannelIdentity;
}

const codes = (b: Bound) => b.userErrors.map((e) => e.code);
const holderOf = async (identity: { channel: string; appId: string; externalId: string }, brandId = 'brand-lng') =>
  (
    await h.db.query<{ memberId: string }>(
      `SELECT member_id AS "memberId" FROM members.channel_identity WHERE brand_id = $1 AND channel = $2 AND app_id = $3 AND external_id = $4`,
      [brandId, identity.channel, identity.appId, identity.externalId],
    )
  ).map((r) => r.memberId);

describe('bindChannelIdentity', () => {
  it('lets a member bind one more account for itself', async () => {
    const id = await newMember();
    const identity = freshIdentity('TMALL');
    const b = await bind({ role: 'MEMBER', brandId: 'brand-lng', memberId: id }, id, identity);
    expect(b.userErrors).toEqual([]);
    expect(b.member!.id).toBe(id);
    expect(b.member!.identities.map((i) => i.channel)).toEqual(['WECHAT', 'TMALL']);
    expect(b.member!.identities[1]).toMatchObject({ ...identity, unionId: null });
    expect(await holderOf(identity)).toEqual([id]);
  });

  it('lets the brand admin, the platform, a service, the store staff, the guide and the operator of the member bind', async () => {
    const id = await newMember();
    const callers: TestViewer[] = [as.lngAdmin, as.platform, as.service, as.lngStaff03, as.lngGuide031, as.lngFranchiseeA];
    for (const viewer of callers) {
      const identity = freshIdentity('JD');
      const b = await bind(viewer, id, identity);
      expect([viewer.role, b.userErrors]).toEqual([viewer.role, []]);
      expect(await holderOf(identity)).toEqual([id]);
    }
    const d = await h.data<{ member: { identities: unknown[] } }>(as.lngAdmin, `query($id: ID!) { member(id: $id) { identities { channel } } }`, { id });
    expect(d.member.identities).toHaveLength(1 + callers.length);
  });

  it('is a success without change when the member holds the account already', async () => {
    const id = await newMember();
    const identity = freshIdentity('POS');
    const first = await bind(as.lngAdmin, id, identity);
    const again = await bind(as.lngStaff03, id, { ...identity });
    expect(again.userErrors).toEqual([]);
    expect(again.member).toEqual(first.member);
    expect(await holderOf(identity)).toEqual([id]);
  });

  it('never takes an account from another member: IDENTITY_ALREADY_BOUND, with the holder as merge proposal for admins only', async () => {
    const holder = await newMember();
    const other = await newMember();
    const identity = freshIdentity('ALIPAY');
    expect((await bind(as.lngAdmin, holder, identity)).userErrors).toEqual([]);

    const byAdmin = await bind(as.lngAdmin, other, identity);
    expect(byAdmin).toEqual({ member: null, mergeCandidate: { id: holder }, userErrors: [{ code: 'IDENTITY_ALREADY_BOUND', field: ['input', 'identity'] }] });
    const byPlatform = await bind(as.platform, other, identity);
    expect(byPlatform.mergeCandidate).toEqual({ id: holder });

    for (const viewer of [as.lngGuide031, as.lngStaff03, as.lngFranchiseeA, { role: 'MEMBER', brandId: 'brand-lng', memberId: other } as TestViewer]) {
      const b = await bind(viewer, other, identity);
      expect([viewer.role, b]).toEqual([viewer.role, { member: null, mergeCandidate: null, userErrors: [{ code: 'IDENTITY_ALREADY_BOUND', field: ['input', 'identity'] }] }]);
    }
    expect(await holderOf(identity)).toEqual([holder]);
  });

  it('binds the same account in another brand: accounts are unique per brand', async () => {
    const lng = await newMember();
    const identity = freshIdentity('WECHAT');
    expect((await bind(as.lngAdmin, lng, identity)).userErrors).toEqual([]);
    const csm = 'mem-csm-0001';
    const b = await bind(as.csmAdmin, csm, identity);
    expect(b.userErrors).toEqual([]);
    expect(await holderOf(identity, 'brand-csm')).toEqual([csm]);
    expect(await holderOf(identity, 'brand-lng')).toEqual([lng]);
  });

  it("keeps the member's OneID when a WECHAT unionId belongs to another brand's member with another OneID", async () => {
    const id = await newMember();
    const [csm] = await h.db.query<{ oneId: string; unionId: string }>(
      `SELECT m.one_id AS "oneId", i.union_id AS "unionId" FROM members.member m JOIN members.channel_identity i ON i.member_id = m.id
        WHERE m.brand_id = 'brand-csm' AND i.union_id IS NOT NULL LIMIT 1`,
    );
    const before = (await h.data<{ member: { oneId: string } }>(as.lngAdmin, `query($id: ID!) { member(id: $id) { oneId } }`, { id })).member.oneId;
    expect(before).not.toBe(csm!.oneId);
    const b = await bind(as.lngAdmin, id, freshIdentity('WECHAT', { unionId: csm!.unionId }));
    expect(b.userErrors).toEqual([]);
    expect(b.member!.oneId).toBe(before);
    expect(b.member!.identities[1]!.unionId).toBe(csm!.unionId);
  });

  it('reports every bad input field at once', async () => {
    const id = await newMember();
    const b = await bind(as.lngAdmin, id, { channel: 'TMALL', appId: 'has space', externalId: '', unionId: 'u-1' });
    expect(b.userErrors).toEqual([
      { code: 'INVALID_INPUT', field: ['input', 'identity', 'appId'] },
      { code: 'INVALID_INPUT', field: ['input', 'identity', 'externalId'] },
      { code: 'INVALID_INPUT', field: ['input', 'identity', 'unionId'] },
    ]);
    const empty = await bind(as.lngAdmin, ' ', freshIdentity());
    expect(codes(empty)).toEqual(['INVALID_INPUT']);
  });

  it('answers NOT_FOUND for a member outside the caller\'s fence, and binds nothing', async () => {
    const id = await newMember();
    const callers: TestViewer[] = [
      as.lngGuide032,
      as.lngFranchiseeB,
      as.csmAdmin,
      as.partner,
      { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-04' },
      { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-lng-0001' },
    ];
    for (const viewer of callers) {
      const identity = freshIdentity();
      const b = await bind(viewer, id, identity);
      expect([viewer.role, b]).toEqual([viewer.role, { member: null, mergeCandidate: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'memberId'] }] }]);
      expect(await holderOf(identity)).toEqual([]);
    }
    expect(codes(await bind(as.lngAdmin, 'mem-nope', freshIdentity()))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await h.gql(as.anonymous, BIND, { input: { memberId: id, identity: freshIdentity() } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a franchisee whose store was handed to another operator just now (the operator asked, not the directory)', async () => {
    const id = await newMember();
    stores.handOver('store-lng-03', 'fr-lng-b');
    try {
      const b = await bind(as.lngFranchiseeA, id, freshIdentity());
      expect(codes(b)).toEqual(['NOT_FOUND']);
      expect((await bind(as.lngFranchiseeB, id, freshIdentity())).userErrors).toEqual([]);
    } finally {
      stores.handOver('store-lng-03', 'fr-lng-a');
      await bind(as.lngFranchiseeA, id, freshIdentity());
    }
  });

  it('gives one account to exactly one of many members binding it in parallel', async () => {
    const members = await Promise.all(Array.from({ length: 8 }, () => newMember()));
    const identity = freshIdentity('WECOM');
    const results = await Promise.all(members.map((id) => bind(as.lngAdmin, id, identity)));
    const winners = results.filter((r) => r.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => codes(r).join() === 'IDENTITY_ALREADY_BOUND')).toHaveLength(members.length - 1);
    expect(await holderOf(identity)).toEqual([winners[0]!.member!.id]);
    for (const r of results) if (r.userErrors.length) expect(r.mergeCandidate).toEqual({ id: winners[0]!.member!.id });
  });

  it('binds once when one member binds the same account many times in parallel', async () => {
    const id = await newMember();
    const identity = freshIdentity('JD');
    const results = await Promise.all(Array.from({ length: 8 }, () => bind(as.lngAdmin, id, identity)));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(await holderOf(identity)).toEqual([id]);
  });
});

describe('memberByIdentity', () => {
  const Q = `query($channel: IdentityChannel!, $appId: String!, $externalId: String!, $brandId: ID) {
    memberByIdentity(channel: $channel, appId: $appId, externalId: $externalId, brandId: $brandId) { id brand { id } } }`;
  const find = async (viewer: TestViewer, identity: Record<string, unknown>, brandId?: string) =>
    (await h.data<{ memberByIdentity: { id: string; brand: { id: string } } | null }>(viewer, Q, { ...identity, brandId })).memberByIdentity?.id ?? null;

  let id: string;
  let identity: ReturnType<typeof freshIdentity>;
  beforeAll(async () => {
    id = await newMember();
    identity = freshIdentity('TMALL');
    expect((await bind(as.lngAdmin, id, identity)).userErrors).toEqual([]);
  });

  it("finds the member inside the caller's fence, as member(id) does", async () => {
    const sees: TestViewer[] = [as.lngAdmin, as.platform, as.service, as.lngStaff03, as.lngGuide031, as.lngFranchiseeA, { role: 'MEMBER', brandId: 'brand-lng', memberId: id }];
    for (const viewer of sees) expect([viewer.role, await find(viewer, identity)]).toEqual([viewer.role, id]);
    const blind: TestViewer[] = [as.csmAdmin, as.lngGuide032, as.lngFranchiseeB, as.lngMember1, as.partner, { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-04' }];
    for (const viewer of blind) expect([viewer.role, await find(viewer, identity)]).toEqual([viewer.role, null]);
    expect(errorCodes(await h.gql(as.anonymous, Q, identity))).toEqual(['UNAUTHENTICATED']);
  });

  it('looks in the given brand, the caller\'s own by default; the platform without a brand gets the earliest binding', async () => {
    const shared = freshIdentity('ALIPAY');
    expect((await bind(as.lngAdmin, id, shared)).userErrors).toEqual([]);
    expect((await bind(as.csmAdmin, 'mem-csm-0002', shared)).userErrors).toEqual([]);
    expect(await find(as.lngAdmin, shared)).toBe(id);
    expect(await find(as.csmAdmin, shared)).toBe('mem-csm-0002');
    expect(await find(as.csmAdmin, shared, 'brand-lng')).toBeNull();
    expect(await find(as.platform, shared, 'brand-csm')).toBe('mem-csm-0002');
    expect(await find(as.platform, shared, 'brand-lng')).toBe(id);
    expect(await find(as.platform, shared)).toBe(id);
    expect(await find(as.platform, freshIdentity())).toBeNull();
  });
});
