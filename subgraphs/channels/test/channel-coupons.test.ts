import type { Peers } from '@retail/platform';
import { errorCodes, startSubgraphForTest, type SubgraphHarness, type TestViewer } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { refreshCoupons } from '../src/jobs/refresh-coupons';
import { startAlipayFake, type AlipayFake } from './fakes/alipay-openapi-fake';
import { startWechatPayFake, type WechatPayFake } from './fakes/wechatpay-api-fake';
import { createConnection, silentLogger, testKeyring } from './outbound-fixtures';

// 领券 → 核销: issueWechatCoupon through WeChat Pay (signed, verified by the fake), Member.coupons, redeemChannelCoupon,
// and the provider's own redemption picked up by refresh-coupons.

let h: SubgraphHarness;
let wechat: WechatPayFake;
let alipay: AlipayFake;
let connectionId: string;
let alipayConnectionId: string;
const APP = 'wx1234567890abcdef';

/** members' answer to _entities for the members these tests use. */
const MEMBERS: Record<string, { id: string; brand: { id: string }; homeStore: { id: string } | null; identities: { channel: string; appId: string; externalId: string }[] }> = {
  'mem-c1': { id: 'mem-c1', brand: { id: 'brand-lng' }, homeStore: { id: 'store-lng-01' }, identities: [{ channel: 'WECHAT', appId: APP, externalId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }, { channel: 'ALIPAY', appId: '2021000000000001', externalId: '2088102146225135' }] },
  'mem-c2': { id: 'mem-c2', brand: { id: 'brand-lng' }, homeStore: { id: 'store-lng-01' }, identities: [{ channel: 'ALIPAY', appId: '2021', externalId: '2088' }] },
  'mem-c3': { id: 'mem-c3', brand: { id: 'brand-csm' }, homeStore: null, identities: [{ channel: 'WECHAT', appId: APP, externalId: 'oOther' }] },
};
const memberCalls: unknown[] = [];
const peers: Peers = {
  async query<D>(subgraph: string, _query: string, variables: Record<string, unknown> = {}): Promise<D> {
    if (subgraph !== 'members') throw new Error(`unexpected peer ${subgraph}`);
    memberCalls.push(variables);
    const reps = variables.r as { id: string }[];
    return { _entities: reps.map((r) => MEMBERS[r.id] ?? null) } as D;
  },
};

const as = {
  lngAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-lng' },
  csmAdmin: { role: 'BRAND_ADMIN', brandId: 'brand-csm' },
  staff01: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-01' },
  staff02: { role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-02' },
  guide: { role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-01', guideId: 'gd-1' },
  member1: { role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-c1' },
} satisfies Record<string, TestViewer>;

beforeAll(async () => {
  [h, wechat, alipay] = await Promise.all([startSubgraphForTest(channelsSubgraph, { seed: false, peers }), startWechatPayFake(), startAlipayFake()]);
  alipayConnectionId = await createConnection(h, { channel: 'ALIPAY', brandId: 'brand-lng', appId: alipay.appId, apiBaseUrl: alipay.url, secrets: { appPrivateKey: alipay.app.privateKey, alipayPublicKey: alipay.alipay.publicKey } });
  connectionId = await createConnection(h, {
    channel: 'WECHAT_PAY',
    brandId: 'brand-lng',
    appId: APP,
    merchantId: wechat.mchid,
    apiBaseUrl: wechat.url,
    secrets: { merchantPrivateKey: wechat.merchant.privateKey, merchantCertSerial: wechat.merchantSerial, apiV3Key: 'k'.repeat(32), platformKeys: [{ serial: wechat.platformSerial, publicKey: wechat.platform.publicKey }] },
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([h?.close(), wechat?.close(), alipay?.close()]);
});

type Coupon = { id: string; status: string; campaignId: string; providerCouponId: string | null; redeemedAt: string | null; redeemedStore: { id: string } | null; member: { id: string }; connection: { id: string } | null };
type Payload = { coupon: Coupon | null; userErrors: { code: string; field: string[] | null }[] };
const FIELDS = 'id status campaignId providerCouponId redeemedAt redeemedStore { id } member { id } connection { id }';
const ISSUE = `mutation I($input: IssueWechatCouponInput!) { issueWechatCoupon(input: $input) { coupon { ${FIELDS} } userErrors { code field message } } }`;
const REDEEM = `mutation R($input: RedeemChannelCouponInput!) { redeemChannelCoupon(input: $input) { coupon { ${FIELDS} } userErrors { code field message } } }`;
const issue = async (viewer: TestViewer, key: string, over: Record<string, unknown> = {}) =>
  (await h.data<{ issueWechatCoupon: Payload }>(viewer, ISSUE, { input: { idempotencyKey: key, connectionId, memberId: 'mem-c1', stockId: '9856000', ...over } })).issueWechatCoupon;
const redeem = async (viewer: TestViewer, key: string, couponId: string, storeId = 'store-lng-01') =>
  (await h.data<{ redeemChannelCoupon: Payload }>(viewer, REDEEM, { input: { idempotencyKey: key, couponId, storeId } })).redeemChannelCoupon;

describe('WeChat Pay coupons (领券 → 核销)', () => {
  it('issues a coupon through a signed request to WeChat Pay, once per idempotencyKey, also for 10 parallel requests', async () => {
    const first = await issue(as.lngAdmin, 'k-1');
    expect(first.userErrors).toEqual([]);
    expect(first.coupon).toMatchObject({ status: 'ISSUED', campaignId: '9856000', providerCouponId: '9000000001', member: { id: 'mem-c1' }, connection: { id: connectionId }, redeemedAt: null });
    const sent = wechat.requests.find((r) => r.method === 'POST' && r.url.includes('/v3/marketing/favor/users/'))!;
    expect(sent.url).toBe('/v3/marketing/favor/users/oUpF8uMuAJO_M2pxb1Q9zNjWeS6o/coupons');
    expect(JSON.parse(sent.body)).toMatchObject({ stock_id: '9856000', appid: APP, stock_creator_mchid: wechat.mchid });
    expect((await issue(as.lngAdmin, 'k-1')).coupon!.id).toBe(first.coupon!.id);
    const parallel = await Promise.all(Array.from({ length: 10 }, () => issue(as.lngAdmin, 'k-par')));
    expect(new Set(parallel.map((p) => p.coupon?.id)).size).toBe(1);
    expect(parallel.every((p) => p.userErrors.length === 0)).toBe(true);
    expect(wechat.coupons.size).toBe(2);
    expect((await h.db.query(`SELECT 1 FROM channels.channel_coupon`)).length).toBe(2);
    expect((await issue(as.lngAdmin, 'k-1', { stockId: 'other' })).userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect(wechat.badSignatures).toBe(0);
  });

  it('checks who issues to whom: store staff for their store, never a guide; the identity, the brand and the provider refusal', async () => {
    // Store staff do not see connections: the coupon's connection is null for them.
    expect((await issue(as.staff01, 's-1')).coupon).toMatchObject({ status: 'ISSUED', connection: null });
    const codes = async (viewer: TestViewer, key: string, over: Record<string, unknown> = {}) => (await issue(viewer, key, over)).userErrors.map((e) => e.code);
    expect(await codes(as.staff02, 's-2')).toEqual(['NOT_FOUND']);
    expect(await codes(as.guide, 'g-1')).toEqual(['FORBIDDEN']);
    expect(await codes(as.member1, 'm-1')).toEqual(['FORBIDDEN']);
    expect(await codes(as.csmAdmin, 'c-1', { memberId: 'mem-c3' })).toEqual(['NOT_FOUND']);
    expect(await codes(as.lngAdmin, 'b-1', { memberId: 'mem-c3' })).toEqual(['NOT_FOUND']);
    expect(await codes(as.lngAdmin, 'b-2', { memberId: 'mem-c2' })).toEqual(['IDENTITY_NOT_BOUND']);
    expect(await codes(as.lngAdmin, 'b-3', { memberId: 'mem-unknown' })).toEqual(['NOT_FOUND']);
    expect(await codes(as.lngAdmin, 'b-4', { stockId: 'stock-used-up' })).toEqual(['CHANNEL_REJECTED']);
    expect(await codes(as.lngAdmin, 'b-5', { connectionId: 'conn-missing' })).toEqual(['NOT_FOUND']);
    wechat.failNext.push('http500');
    expect(errorCodes(await h.gql(as.lngAdmin, ISSUE, { input: { idempotencyKey: 'b-6', connectionId, memberId: 'mem-c1', stockId: '9856000' } }))).toEqual(['SERVICE_UNAVAILABLE']);
    // The retry with the same key issues the coupon.
    expect((await issue(as.lngAdmin, 'b-6')).coupon).toMatchObject({ status: 'ISSUED' });
    expect(errorCodes(await h.gql({ role: 'ANONYMOUS' }, ISSUE, { input: { idempotencyKey: 'a', connectionId, memberId: 'mem-c1', stockId: '1' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('lists Member.coupons newest first, fenced, in a constant number of statements', async () => {
    const Q = `query M($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id coupons(first: 10) { totalCount edges { node { id status member { id } } } } } } }`;
    type Out = { _entities: { id: string; coupons: { totalCount: number; edges: { node: { id: string } }[] } | null }[] };
    const total = async (viewer: TestViewer) => (await h.data<Out>(viewer, Q, { r: [{ __typename: 'Member', id: 'mem-c1' }] }))._entities[0]!.coupons!.totalCount;
    expect(await total(as.lngAdmin)).toBe(4);
    expect(await total(as.staff01)).toBe(4);
    expect(await total(as.member1)).toBe(4);
    expect(await total(as.staff02)).toBe(0);
    expect(await total(as.csmAdmin)).toBe(0);
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Member', id: i === 0 ? 'mem-c1' : `mem-x${i}` }));
    const five = await h.countStatements<Out>(as.lngAdmin, Q, { r: reps(5) });
    const fifty = await h.countStatements<Out>(as.lngAdmin, Q, { r: reps(50) });
    expect(fifty.res.data!._entities).toHaveLength(50);
    expect(five.statements).toBe(fifty.statements);
  });

  it('redeems a coupon at a store once, however many redeem it at the same time', async () => {
    const coupon = (await issue(as.lngAdmin, 'r-1')).coupon!;
    const tries = await Promise.all(Array.from({ length: 10 }, (_, i) => redeem(as.staff01, `red-${i}`, coupon.id)));
    const ok = tries.filter((t) => t.coupon);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.coupon).toMatchObject({ status: 'REDEEMED', redeemedStore: { id: 'store-lng-01' } });
    expect(tries.filter((t) => t.userErrors[0]?.code === 'INVALID_TRANSITION')).toHaveLength(9);
    const key = tries.findIndex((t) => t.coupon);
    expect((await redeem(as.staff01, `red-${key}`, coupon.id)).coupon).toMatchObject({ status: 'REDEEMED' });
    const other = (await issue(as.lngAdmin, 'r-2')).coupon!;
    expect((await redeem(as.staff02, 'x-1', other.id, 'store-lng-02')).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect((await redeem(as.staff01, 'x-2', other.id, 'store-lng-02')).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((await redeem(as.guide, 'x-3', other.id)).userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect((await redeem(as.csmAdmin, 'x-4', other.id)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it("marks coupons REDEEMED or EXPIRED as WeChat Pay reports them (refresh-coupons)", async () => {
    const used = (await issue(as.lngAdmin, 'f-1')).coupon!;
    const expired = (await issue(as.lngAdmin, 'f-2')).coupon!;
    for (const c of wechat.coupons.values()) {
      if (c.couponId === used.providerCouponId) c.status = 'USED';
      if (c.couponId === expired.providerCouponId) c.status = 'EXPIRED';
    }
    await h.db.query(`UPDATE channels.channel_coupon SET next_check_at = now()`);
    const counts = await refreshCoupons({ db: h.db, logger: silentLogger, keyring: testKeyring(), checkEveryMs: 3_600_000 });
    expect(counts).toMatchObject({ redeemed: 1, expired: 1, failed: 0 });
    const state = async (id: string) => (await h.data<{ _entities: { coupons: { edges: { node: Coupon }[] } }[] }>(as.lngAdmin, `query M($r: [_Any!]!) { _entities(representations: $r) { ... on Member { coupons(first: 50) { edges { node { ${FIELDS} } } } } } }`, { r: [{ __typename: 'Member', id: 'mem-c1' }] }))._entities[0]!.coupons.edges.map((e) => e.node).find((n) => n.id === id);
    expect(await state(used.id)).toMatchObject({ status: 'REDEEMED', redeemedAt: '2026-01-06T04:00:00.000Z', redeemedStore: null });
    expect(await state(expired.id)).toMatchObject({ status: 'EXPIRED' });
    // Checked now: not asked again before the next check is due.
    expect((await refreshCoupons({ db: h.db, logger: silentLogger, keyring: testKeyring() })).checked).toBe(0);
  });

  it('issues Alipay coupons through signed requests, once per key, and follows their state at Alipay', async () => {
    const ALI = `mutation A($input: IssueAlipayCouponInput!) { issueAlipayCoupon(input: $input) { coupon { ${FIELDS} } userErrors { code field message } } }`;
    const ali = async (viewer: TestViewer, key: string, over: Record<string, unknown> = {}) =>
      (await h.data<{ issueAlipayCoupon: Payload }>(viewer, ALI, { input: { idempotencyKey: key, connectionId: alipayConnectionId, memberId: 'mem-c1', activityId: '20260105000730015001', ...over } })).issueAlipayCoupon;
    const parallel = await Promise.all(Array.from({ length: 5 }, () => ali(as.lngAdmin, 'a-1')));
    expect(new Set(parallel.map((p) => p.coupon?.id)).size).toBe(1);
    expect(parallel[0]!.coupon).toMatchObject({ status: 'ISSUED', campaignId: '20260105000730015001', providerCouponId: '202600000001', connection: { id: alipayConnectionId } });
    expect(alipay.vouchers.size).toBe(1);
    expect([...alipay.vouchers.values()][0]).toMatchObject({ userId: '2088102146225135', templateId: '20260105000730015001' });
    expect(alipay.badSignatures).toBe(0);
    expect((await ali(as.lngAdmin, 'a-2', { activityId: 'tpl-exhausted' })).userErrors.map((e) => [e.code, e.field])).toEqual([['CHANNEL_REJECTED', ['input', 'activityId']]]);
    expect((await ali(as.lngAdmin, 'a-3', { memberId: 'mem-c3' })).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect((await ali(as.lngAdmin, 'a-4', { connectionId })).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    // mem-c2's Alipay account belongs to another app than the connection's.
    expect((await ali(as.lngAdmin, 'a-5', { memberId: 'mem-c2' })).userErrors.map((e) => e.code)).toEqual(['IDENTITY_NOT_BOUND']);
    [...alipay.vouchers.values()][0]!.status = 'USED';
    await h.db.query(`UPDATE channels.channel_coupon SET next_check_at = now() WHERE provider = 'ALIPAY'`);
    expect(await refreshCoupons({ db: h.db, logger: silentLogger, keyring: testKeyring() })).toMatchObject({ redeemed: 1, failed: 0 });
    const row = await h.db.query<{ status: string }>(`SELECT status FROM channels.channel_coupon WHERE id = $1`, [parallel[0]!.coupon!.id]);
    expect(row[0]!.status).toBe('REDEEMED');
  });
});
