import { parseConfig } from '@retail/platform';
import { errorCodes, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { GUIDE_DIRECTORY, MEMBERS_SETTINGS, membersSubgraph } from '../src';
import { DEMO_IDENTITIES, DEMO_MEMBERS } from '../src/demo/data';
import { memberDataKey } from '../src/domain/member-data-key';
import { as } from './callers';
import { demoStoresPeer, startMembers, type UserError } from './members-under-test';
import { STORE_DIRECTORY } from '../src/repo/store-directory';

let h: SubgraphHarness;
const stores = demoStoresPeer();
beforeAll(async () => {
  h = await startMembers(stores);
});
afterAll(async () => {
  await h?.close();
});

/** The keys the subgraph under test runs with (its settings from this process's environment, as in the harness). */
const keys = memberDataKey(parseConfig(MEMBERS_SETTINGS, process.env));

interface MemberOut {
  id: string;
  oneId: string;
  phoneMasked: string | null;
  displayName: string | null;
  tier: { code: string; rank: number };
  identities: { channel: string; appId: string; externalId: string; unionId: string | null }[];
  joinSource: { channel: string; store: { id: string } | null; guide: { id: string } | null };
  homeStore: { id: string } | null;
  guide: { id: string } | null;
  guideHistory: { guide: { id: string }; reason: string; from: string; to: string | null }[];
  joinedAt: string;
}

interface Registered {
  member: MemberOut | null;
  alreadyMember: boolean;
  userErrors: UserError[];
}

const REGISTER = `mutation($input: RegisterMemberInput!) { registerMember(input: $input) {
  alreadyMember userErrors { code field }
  member { id oneId phoneMasked displayName tier { code rank } identities { channel appId externalId unionId }
    joinSource { channel store { id } guide { id } } homeStore { id } guide { id } guideHistory { guide { id } reason from to } joinedAt } } }`;

let seq = 0;
/** A channel account nobody has bound yet. */
const freshIdentity = (channel = 'WECHAT', extra: Record<string, unknown> = {}) => ({ channel, appId: 'wx-test-app', externalId: `o-test-${++seq}`, ...extra });
/** A mobile number nobody has used yet. */
const freshPhone = () => `1770000${String(++seq).padStart(4, '0')}`;

async function register(viewer: TestViewer, input: Record<string, unknown>): Promise<Registered> {
  const res = await h.gql<{ registerMember: Registered }>(viewer, REGISTER, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.registerMember;
}

const codes = (r: Registered) => r.userErrors.map((e) => e.code);
const count = async (sql: string, params: unknown[] = []) => (await h.db.query<{ n: number }>(sql, params))[0]!.n;

describe('registerMember (入会)', () => {
  it('creates a member with its join source, home store, exclusive guide and guide history', async () => {
    const phone = freshPhone();
    const identity = freshIdentity('WECOM');
    const r = await register(as.lngAdmin, { brandId: 'brand-lng', phone, identity, displayName: ' 新会员 ', storeId: 'store-lng-03', guideId: 'gd-lng-03-2' });
    expect(r.userErrors).toEqual([]);
    expect(r.alreadyMember).toBe(false);
    const m = r.member!;
    expect(m.id).toMatch(/^mem-[0-9a-f-]{36}$/);
    expect(m).toMatchObject({
      displayName: '新会员',
      phoneMasked: `${phone.slice(0, 3)}****${phone.slice(7)}`,
      tier: { code: 'MEMBER', rank: 0 },
      identities: [{ ...identity, unionId: null }],
      joinSource: { channel: 'WECOM', store: { id: 'store-lng-03' }, guide: { id: 'gd-lng-03-2' } },
      homeStore: { id: 'store-lng-03' },
      guide: { id: 'gd-lng-03-2' },
      guideHistory: [{ guide: { id: 'gd-lng-03-2' }, reason: 'JOINED_VIA', from: m.joinedAt, to: null }],
    });
    expect(m.oneId).toBe(keys.oneIdFromPhone(phone));
  });

  it('stores the phone encrypted (AES-256-GCM, bound to the member) with a keyed hash, never in clear', async () => {
    const phone = freshPhone();
    const r = await register(as.platform, { brandId: 'brand-lng', phone: `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, identity: freshIdentity() });
    const [row] = await h.db.query<{ id: string; phone_cipher: string; phone_hash: string; phone_masked: string }>(
      `SELECT id, phone_cipher, phone_hash, phone_masked FROM members.member WHERE id = $1`,
      [r.member!.id],
    );
    expect(row!.phone_cipher).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.stringify(row)).not.toContain(phone);
    expect(JSON.stringify(row)).not.toContain(phone.slice(3, 7));
    expect(keys.openPhone(row!.id, row!.phone_cipher)).toBe(phone);
    expect(() => keys.openPhone('mem-another', row!.phone_cipher)).toThrow();
    expect(row!.phone_hash).toBe(keys.phoneHash(phone));
    expect(row!.phone_masked).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  });

  it('is idempotent by identity: joining again returns the same member unchanged', async () => {
    const identity = freshIdentity();
    const first = await register(as.lngAdmin, { brandId: 'brand-lng', phone: freshPhone(), identity, storeId: 'store-lng-01' });
    const again = await register(as.lngAdmin, { brandId: 'brand-lng', phone: freshPhone(), identity, displayName: '改名', storeId: 'store-lng-02', guideId: 'gd-lng-02-1' });
    expect(again).toEqual({ ...first, alreadyMember: true });
  });

  it('returns the member the phone belongs to unchanged, without binding the new account', async () => {
    const phone = freshPhone();
    const first = await register(as.lngAdmin, { brandId: 'brand-lng', phone, identity: freshIdentity() });
    const other = freshIdentity('TMALL', { appId: 'tm-seller-1' });
    const again = await register(as.lngAdmin, { brandId: 'brand-lng', phone, identity: other });
    expect(again).toEqual({ ...first, alreadyMember: true });
    expect(await count(`SELECT count(*)::int AS n FROM members.channel_identity WHERE external_id = $1`, [other.externalId])).toBe(0);
  });

  it('finds the demo members again: their phones are stored with the same key', async () => {
    const demo = DEMO_MEMBERS.find((m) => m.id === 'mem-lng-0002')!;
    const r = await register(as.lngAdmin, { brandId: 'brand-lng', phone: demo.phone, identity: freshIdentity() });
    expect([r.alreadyMember, r.member!.id]).toEqual([true, 'mem-lng-0002']);
    const account = DEMO_IDENTITIES.find((i) => i.memberId === 'mem-lng-0003')!;
    const byAccount = await register(as.lngAdmin, { brandId: 'brand-lng', phone: freshPhone(), identity: { channel: account.channel, appId: account.appId, externalId: account.externalId } });
    expect([byAccount.alreadyMember, byAccount.member!.id]).toEqual([true, 'mem-lng-0003']);
  });

  it('creates ONE member for 50 parallel joins with the same identity', async () => {
    const identity = freshIdentity();
    const input = { brandId: 'brand-lng', phone: freshPhone(), identity, storeId: 'store-lng-05', guideId: 'gd-lng-05-1' };
    const results = await Promise.all(Array.from({ length: 50 }, () => register(as.lngAdmin, input)));
    const ids = new Set(results.map((r) => r.member?.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.alreadyMember)).toHaveLength(1);
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    const [id] = [...ids];
    expect(await count(`SELECT count(*)::int AS n FROM members.member WHERE id = $1`, [id])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM members.channel_identity WHERE external_id = $1`, [identity.externalId])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM members.guide_assignment WHERE member_id = $1`, [id])).toBe(1);
  });

  it('creates ONE member for 50 parallel joins of one phone from 50 accounts', async () => {
    const phone = freshPhone();
    const results = await Promise.all(Array.from({ length: 50 }, () => register(as.platform, { brandId: 'brand-csm', phone, identity: freshIdentity('POS', { appId: 'pos-csm' }) })));
    expect(new Set(results.map((r) => r.member?.id)).size).toBe(1);
    expect(results.filter((r) => !r.alreadyMember)).toHaveLength(1);
    expect(await count(`SELECT count(*)::int AS n FROM members.member WHERE brand_id = 'brand-csm' AND phone_hash = $1`, [keys.phoneHash(phone)])).toBe(1);
  });

  it('gives one person one OneID across brands: by phone, and by WeChat unionId', async () => {
    const phone = freshPhone();
    const lng = await register(as.lngAdmin, { brandId: 'brand-lng', phone, identity: freshIdentity('WECHAT', { unionId: 'oU-person-1' }) });
    const csm = await register(as.csmAdmin, { brandId: 'brand-csm', phone, identity: freshIdentity('TMALL') });
    expect(csm.alreadyMember).toBe(false);
    expect(csm.member!.id).not.toBe(lng.member!.id);
    expect(csm.member!.oneId).toBe(lng.member!.oneId);
    // A new number, the same WeChat person: the unionId links them (the phone changed hands or was replaced).
    const sameUnion = await register(as.csmAdmin, { brandId: 'brand-csm', phone: freshPhone(), identity: freshIdentity('WECHAT', { unionId: 'oU-person-1' }) });
    expect(sameUnion.member!.oneId).toBe(lng.member!.oneId);
    const stranger = await register(as.csmAdmin, { brandId: 'brand-csm', phone: freshPhone(), identity: freshIdentity('WECHAT', { unionId: 'oU-person-2' }) });
    expect(stranger.member!.oneId).not.toBe(lng.member!.oneId);
  });

  it('shares the demo OneIDs between the brands for the same people', async () => {
    type Page = { members: { edges: { node: { id: string; oneId: string; phoneMasked: string } }[] } };
    const list = (brandId: string) => h.data<Page>(as.platform, `query($b: ID!) { members(first: 100, filter: { brandId: $b, joinedTo: "2023-09-01T00:00:00Z" }) { edges { node { id oneId phoneMasked } } } }`, { b: brandId });
    const lngByOneId = new Map((await list('brand-lng')).members.edges.map((e) => [e.node.oneId, e.node]));
    const shared = (await list('brand-csm')).members.edges.filter((e) => lngByOneId.has(e.node.oneId));
    expect(shared.map((e) => e.node.id).sort()).toEqual(DEMO_MEMBERS.filter((m) => m.brandId === 'brand-csm' && m.person <= 16).map((m) => m.id).sort());
    expect(shared).toHaveLength(16);
    for (const e of shared) expect(lngByOneId.get(e.node.oneId)!.phoneMasked).toBe(e.node.phoneMasked);
  });

  it('keeps a channel account unique per (brand, channel, appId, externalId)', async () => {
    const identity = freshIdentity('JD', { appId: 'jd-shop-1' });
    const lng = await register(as.platform, { brandId: 'brand-lng', phone: freshPhone(), identity });
    // The same account id in another brand, or in another app of the channel, is another account.
    const csm = await register(as.platform, { brandId: 'brand-csm', phone: freshPhone(), identity });
    const otherApp = await register(as.platform, { brandId: 'brand-lng', phone: freshPhone(), identity: { ...identity, appId: 'jd-shop-2' } });
    expect(new Set([lng.member!.id, csm.member!.id, otherApp.member!.id]).size).toBe(3);
    expect([csm.alreadyMember, otherApp.alreadyMember]).toEqual([false, false]);
  });

  it('reports every input fault at once, with its path', async () => {
    const r = await register(as.platform, {
      brandId: ' ',
      phone: '12345',
      identity: { channel: 'TMALL', appId: 'has space', externalId: '', unionId: 'u-1' },
      displayName: 'x'.repeat(51),
    });
    expect(r.member).toBeNull();
    expect(r.userErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([
      ['INVALID_INPUT', 'input.brandId'],
      ['INVALID_INPUT', 'input.phone'],
      ['INVALID_INPUT', 'input.identity.appId'],
      ['INVALID_INPUT', 'input.identity.externalId'],
      ['INVALID_INPUT', 'input.identity.unionId'],
      ['INVALID_INPUT', 'input.displayName'],
    ]);
  });

  it('refuses unknown brands, stores and guides, and mismatches between them', async () => {
    const input = (extra: Record<string, unknown>) => ({ brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity(), ...extra });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ brandId: 'brand-nope' }, 'NOT_FOUND', 'input.brandId'],
      [{ storeId: 'store-nope' }, 'NOT_FOUND', 'input.storeId'],
      [{ guideId: 'gd-nope' }, 'NOT_FOUND', 'input.guideId'],
      [{ storeId: 'store-csm-01' }, 'BRAND_MISMATCH', 'input.storeId'],
      [{ guideId: 'gd-csm-01-1' }, 'BRAND_MISMATCH', 'input.guideId'],
      [{ storeId: 'store-lng-01', guideId: 'gd-lng-02-1' }, 'STORE_MISMATCH', 'input.guideId'],
      [{ storeId: 'store-lng-03', guideId: 'gd-lng-03-3' }, 'GUIDE_NOT_ACTIVE', 'input.guideId'],
    ];
    for (const [extra, code, field] of cases) {
      const r = await register(as.platform, input(extra));
      expect([extra, r.userErrors.map((e) => [e.code, e.field?.join('.')])]).toEqual([extra, [[code, field]]]);
    }
  });

  it('refuses joining at a CLOSED store (the directory keeps the status stores publishes), also for its operator', async () => {
    const at = (viewer: TestViewer, storeId: string) => register(viewer, { brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity(), storeId });
    // store-lng-10 is CLOSED in the demo; fr-lng-b operates it (its write is fenced by stores' answer, the status still counts).
    for (const viewer of [as.lngAdmin, as.lngFranchiseeB]) {
      expect((await at(viewer, 'store-lng-10')).userErrors.map((e) => [e.code, e.field?.join('.')])).toEqual([['STORE_CLOSED', 'input.storeId']]);
    }
    const changed = (status: string, updatedAt: string) =>
      h.db.transaction((tx) => STORE_DIRECTORY.applyStoreChanged(tx, { id: 'store-lng-05', brandId: 'brand-lng', franchiseeId: 'fr-lng-direct', status, updatedAt }));
    await changed('CLOSED', '2030-01-01T00:00:00Z');
    expect(codes(await at(as.lngAdmin, 'store-lng-05'))).toEqual(['STORE_CLOSED']);
    // A late, older event does not reopen it; a newer one does.
    await changed('OPEN', '2029-01-01T00:00:00Z');
    expect(codes(await at(as.lngAdmin, 'store-lng-05'))).toEqual(['STORE_CLOSED']);
    await changed('OPEN', '2030-01-02T00:00:00Z');
    expect(codes(await at(as.lngAdmin, 'store-lng-05'))).toEqual([]);
  });

  it('takes the store from the guide when only the guide is named', async () => {
    const r = await register(as.lngAdmin, { brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity(), guideId: 'gd-lng-04-1' });
    expect(r.member).toMatchObject({ homeStore: { id: 'store-lng-04' }, guide: { id: 'gd-lng-04-1' }, joinSource: { store: { id: 'store-lng-04' }, guide: { id: 'gd-lng-04-1' } } });
  });
});

describe('who may register whom', () => {
  const input = (extra: Record<string, unknown> = {}) => ({ brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity(), ...extra });

  it('refuses members, partners and other brands, and anonymous callers', async () => {
    for (const viewer of [as.lngMember1, as.partner, as.csmAdmin]) {
      expect(codes(await register(viewer, input()))).toEqual(['FORBIDDEN']);
    }
    const anon = await h.gql(as.anonymous, REGISTER, { input: input() });
    expect(errorCodes(anon)).toEqual(['UNAUTHENTICATED']);
  });

  it('lets a guide register at its own store, bound to itself', async () => {
    const r = await register(as.lngGuide031, input());
    expect(r.userErrors).toEqual([]);
    expect(r.member).toMatchObject({ homeStore: { id: 'store-lng-03' }, guide: { id: 'gd-lng-03-1' }, joinSource: { guide: { id: 'gd-lng-03-1' } } });
    expect(codes(await register(as.lngGuide031, input({ guideId: 'gd-lng-03-2' })))).toEqual(['FORBIDDEN']);
    expect(codes(await register(as.lngGuide031, input({ storeId: 'store-lng-04', guideId: null })))).toEqual(['FORBIDDEN']);
    expect(codes(await register(as.lngGuide033Left, input()))).toEqual(['GUIDE_NOT_ACTIVE']);
  });

  it("lets a store's staff register at its store only", async () => {
    const r = await register(as.lngStaff03, input());
    expect(r.member).toMatchObject({ homeStore: { id: 'store-lng-03' }, guide: null });
    expect(codes(await register(as.lngStaff03, input({ storeId: 'store-lng-01' })))).toEqual(['FORBIDDEN']);
  });

  it("lets a franchisee register at its stores only, by the store's operator now", async () => {
    expect(codes(await register(as.lngFranchiseeA, input()))).toEqual(['INVALID_INPUT']);
    expect(codes(await register(as.lngFranchiseeA, input({ storeId: 'store-lng-06' })))).toEqual(['FORBIDDEN']);
    const own = await register(as.lngFranchiseeA, input({ storeId: 'store-lng-04', guideId: 'gd-lng-04-2' }));
    expect(own.member).toMatchObject({ homeStore: { id: 'store-lng-04' }, guide: { id: 'gd-lng-04-2' } });
    // stores hands store-lng-04 to fr-lng-b; its event has not arrived: the old operator is refused at once.
    stores.handOver('store-lng-04', 'fr-lng-b');
    expect(codes(await register(as.lngFranchiseeA, input({ storeId: 'store-lng-04' })))).toEqual(['FORBIDDEN']);
    expect((await register(as.lngFranchiseeB, input({ storeId: 'store-lng-04' }))).userErrors).toEqual([]);
    stores.setReachable(false);
    try {
      const res = await h.gql(as.lngFranchiseeB, REGISTER, { input: input({ storeId: 'store-lng-04' }) });
      expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.retryable])).toEqual([['SERVICE_UNAVAILABLE', true]]);
    } finally {
      stores.setReachable(true);
    }
  });

  it("answers alreadyMember without showing a member outside the caller's fence", async () => {
    const identity = freshIdentity();
    const mine = await register(as.lngGuide031, input({ identity }));
    expect(mine.member).not.toBeNull();
    const again = await register(as.lngGuide032, input({ identity }));
    expect(again).toEqual({ member: null, alreadyMember: true, userErrors: [] });
  });
});

describe('the guide directory (stores.guide.changed)', () => {
  it('refuses a guide who left as soon as the event arrives (for new members), and never takes an older ACTIVE back', async () => {
    const input = () => ({ brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity(), guideId: 'gd-lng-07-2' });
    const joined = input();
    const first = await register(as.lngAdmin, joined);
    expect(first.userErrors).toEqual([]);
    const guide = { id: 'gd-lng-07-2', brandId: 'brand-lng', storeId: 'store-lng-07', name: '吕佳琪', wecomUserId: 'LvJiaQi', joinedAt: '2023-11-11T01:00:00Z' };
    await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { ...guide, status: 'LEFT', leftAt: '2025-01-31T01:00:00Z' }));
    expect(codes(await register(as.lngAdmin, input()))).toEqual(['GUIDE_NOT_ACTIVE']);
    // A retry of the first join still returns its member: idempotency does not depend on what became of the guide.
    expect(await register(as.lngAdmin, joined)).toEqual({ ...first, alreadyMember: true });
    await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { ...guide, status: 'ACTIVE', leftAt: null }));
    expect(codes(await register(as.lngAdmin, input()))).toEqual(['GUIDE_NOT_ACTIVE']);
  });

  it('learns of a guide hired after the demo', async () => {
    await h.db.transaction((tx) => GUIDE_DIRECTORY.applyGuideChanged(tx, { id: 'gd-new-1', brandId: 'brand-lng', storeId: 'store-lng-09', status: 'ACTIVE' }));
    const r = await register(as.lngAdmin, { brandId: 'brand-lng', phone: freshPhone(), identity: freshIdentity(), guideId: 'gd-new-1' });
    expect(r.member).toMatchObject({ homeStore: { id: 'store-lng-09' }, guide: { id: 'gd-new-1' } });
  });
});
