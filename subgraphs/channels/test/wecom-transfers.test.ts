import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { channelsSubgraph } from '../src';
import { applyGuideHandover } from '../src/events/guide-handover';
import { runWecomTransfers } from '../src/jobs/wecom-transfers';
import { callWecom, WecomTokenCache } from '../src/providers/wecom/api';
import { transferCustomers } from '../src/providers/wecom/transfer';
import { startWecomFake, type WecomFake } from './fakes/wecom-fake';
import { createConnection, publishTestEvent, silentLogger, testKeyring, waitFor } from './outbound-fixtures';

// members.guide.handover → WeCom transfer_customer / resigned/transfer_customer → transfer_result polled until final
// (docs/events.md, members.guide.handover).

let h: SubgraphHarness;
let wecom: WecomFake;
const tokens = new WecomTokenCache();
const run = () => runWecomTransfers({ db: h.db, logger: silentLogger, keyring: testKeyring(), tokens, pollMs: 60_000, random: () => 0 });

beforeAll(async () => {
  [h, wecom] = await Promise.all([startSubgraphForTest(channelsSubgraph, { seed: false }), startWecomFake()]);
  await createConnection(h, { channel: 'WECOM', brandId: 'brand-lng', appId: wecom.corpId, apiBaseUrl: wecom.url, secrets: { appSecret: wecom.secret } });
  const guide = (id: string, wecomUserId: string | null, status: string) => ({ id, brandId: 'brand-lng', storeId: 'store-lng-01', name: id, wecomUserId, status, joinedAt: '2025-01-01T00:00:00Z', leftAt: null });
  for (const g of [guide('gd-a', 'zhangsan', 'ACTIVE'), guide('gd-b', 'lisi', 'ACTIVE'), guide('gd-c', 'wangwu', 'LEFT'), guide('gd-x', null, 'ACTIVE')]) {
    await publishTestEvent(h.db, 'stores', 'stores.guide.changed', g.id, g);
  }
  await waitFor(async () => (await h.db.query(`SELECT 1 FROM channels.guide_directory`)).length === 4);
}, 60_000);
afterAll(async () => {
  await Promise.all([h?.close(), wecom?.close()]);
});

const move = (i: number, from: string | null, to: string, reason = 'REASSIGNED', contacts = 1) => ({
  memberId: `mem-${from ?? 'none'}-${i}`,
  fromGuideId: from,
  toGuideId: to,
  reason,
  wecomContacts: Array.from({ length: contacts }, (_, j) => ({ corpId: wecom.corpId, externalUserId: `wm${from ?? 'none'}${String(i).padStart(4, '0')}${j}` })),
});
const handover = (handoverId: string, kind: string, moves: unknown[]) => ({ handoverId, brandId: 'brand-lng', at: '2026-01-05T10:00:00+08:00', kind, moves });
const transfers = (handoverId: string) =>
  h.db.query<{ externalUserId: string; status: string; kind: string; errcode: number | null; lastError: string | null }>(
    `SELECT external_user_id AS "externalUserId", status, kind, errcode, last_error AS "lastError" FROM channels.wecom_transfer WHERE handover_id = $1 ORDER BY external_user_id`,
    [handoverId],
  );
const dueNow = () => h.db.query(`UPDATE channels.wecom_transfer SET next_attempt_at = now() WHERE status IN ('PENDING', 'WAITING')`);

describe('WeCom access token', () => {
  it('is fetched once for parallel callers, kept until it expires, and fetched again when WeCom says 42001', async () => {
    let now = Date.now();
    const cache = new WecomTokenCache(() => now);
    const account = { connectionId: 'c1', corpId: wecom.corpId, corpSecret: wecom.secret, baseUrl: wecom.url };
    const issued = wecom.tokensIssued;
    const got = await Promise.all(Array.from({ length: 5 }, () => cache.token(account)));
    expect(new Set(got).size).toBe(1);
    expect(await cache.token(account)).toBe(got[0]);
    expect(wecom.tokensIssued - issued).toBe(1);
    now += 7200_000 - 60_000; // inside the last minutes of its life: fetched anew
    expect(await cache.token(account)).not.toBe(got[0]);
    expect(wecom.tokensIssued - issued).toBe(2);
    wecom.expireTokens();
    const answer = await callWecom(cache, account, '/cgi-bin/externalcontact/transfer_result', { handover_userid: 'nobody', takeover_userid: 'none' });
    expect(answer.errcode).toBe(0);
    expect(wecom.tokensIssued - issued).toBe(3);
    await expect(new WecomTokenCache().token({ ...account, corpSecret: 'wrong' })).rejects.toMatchObject({ kind: 'CREDENTIALS', providerCode: '40001' });
    await expect(transferCustomers(cache, account, { kind: 'ASSIGN', handoverUserId: 'a', takeoverUserId: 'b', externalUserIds: Array.from({ length: 101 }, (_, i) => `e${i}`) })).rejects.toThrow(/1 to 100/);
  });
});

describe('WeCom customer transfers on members.guide.handover', () => {
  it('moves 250 customers of a working guide in calls of at most 100, records each answer, once however often the event comes', async () => {
    const event = handover('gh-1', 'ASSIGN', [...Array.from({ length: 250 }, (_, i) => move(i, 'gd-a', 'gd-b')), move(0, null, 'gd-b')]);
    await publishTestEvent(h.db, 'members', 'members.guide.handover', 'gh-1', event);
    await publishTestEvent(h.db, 'members', 'members.guide.handover', 'gh-1', event);
    await waitFor(async () => (await transfers('gh-1')).length === 250);
    await h.db.transaction((tx) => applyGuideHandover(tx, event));
    wecom.customerErrcodes.set('wmgd-a00070', 40129).set('wmgd-a00080', -1);
    const before = wecom.batchSizes.length;
    await run();
    expect(wecom.batchSizes.slice(before)).toEqual([100, 100, 50]);
    expect(wecom.calls.get('/cgi-bin/externalcontact/transfer_customer')).toBe(3);
    const rows = await transfers('gh-1');
    expect(rows).toHaveLength(250);
    expect(rows.filter((r) => r.status === 'WAITING')).toHaveLength(248);
    expect(rows.find((r) => r.externalUserId === 'wmgd-a00070')).toMatchObject({ status: 'FAILED', errcode: 40129, kind: 'ASSIGN' });
    expect(rows.find((r) => r.externalUserId === 'wmgd-a00080')).toMatchObject({ status: 'PENDING', errcode: -1 });
    // The passing failure is retried and goes through.
    wecom.customerErrcodes.delete('wmgd-a00080');
    await dueNow();
    await run();
    expect((await transfers('gh-1')).find((r) => r.externalUserId === 'wmgd-a00080')).toMatchObject({ status: 'WAITING' });
  });

  it('polls transfer_result (all pages) until every customer is final: taken over, refused, limit reached', async () => {
    const all = (await transfers('gh-1')).filter((r) => r.status === 'WAITING').map((r) => r.externalUserId);
    wecom.settle(all.slice(0, 200), 1);
    wecom.settle(all.slice(200, 220), 3);
    wecom.settle(all.slice(220, 230), 4);
    await dueNow();
    await run();
    const rows = await transfers('gh-1');
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    expect([count('TAKEN_OVER'), count('REFUSED'), count('LIMIT_REACHED'), count('WAITING'), count('FAILED')]).toEqual([200, 20, 10, 19, 1]);
    expect(wecom.calls.get('/cgi-bin/externalcontact/transfer_result')).toBeGreaterThanOrEqual(5); // 249 customers, 50 a page
    const taken = await h.db.query<{ at: Date }>(`SELECT taken_over_at AS at FROM channels.wecom_transfer WHERE status = 'TAKEN_OVER' LIMIT 1`);
    expect(taken[0]!.at.toISOString()).toBe('2026-01-01T02:00:00.000Z');
    wecom.settle(all.slice(230), 1);
    await dueNow();
    await run();
    expect((await transfers('gh-1')).filter((r) => r.status === 'WAITING')).toEqual([]);
    // Nothing left to send or poll: a further run calls nothing.
    const calls = [...wecom.calls.values()].reduce((a, b) => a + b, 0);
    await dueNow();
    await run();
    expect([...wecom.calls.values()].reduce((a, b) => a + b, 0)).toBe(calls);
  });

  it("hands a leaver's customers over with resigned/transfer_customer and retries a failed call with backoff", async () => {
    await h.db.transaction((tx) => applyGuideHandover(tx, handover('gh-2', 'INHERIT', Array.from({ length: 3 }, (_, i) => move(i, 'gd-c', 'gd-b', 'INHERITED_ON_LEAVE')))));
    wecom.failNext.push(-1);
    await run();
    expect((await transfers('gh-2')).map((r) => [r.status, r.kind])).toEqual([['PENDING', 'INHERIT'], ['PENDING', 'INHERIT'], ['PENDING', 'INHERIT']]);
    const later = await h.db.query<{ later: boolean }>(`SELECT bool_and(next_attempt_at > now() + interval '20 seconds') AS later FROM channels.wecom_transfer WHERE handover_id = 'gh-2'`);
    expect(later[0]!.later).toBe(true);
    await dueNow();
    await run();
    expect((await transfers('gh-2')).map((r) => r.status)).toEqual(['WAITING', 'WAITING', 'WAITING']);
    expect(wecom.calls.get('/cgi-bin/externalcontact/resigned/transfer_customer')).toBe(2);
    wecom.settle(['wmgd-c00000', 'wmgd-c00010', 'wmgd-c00020'], 1);
    await dueNow();
    await run();
    expect((await transfers('gh-2')).map((r) => r.status)).toEqual(['TAKEN_OVER', 'TAKEN_OVER', 'TAKEN_OVER']);
    expect(wecom.calls.get('/cgi-bin/externalcontact/resigned/transfer_result')).toBe(1);
  });

  it('waits while a guide has no WeCom userid, and refuses a payload without what it needs', async () => {
    await h.db.transaction((tx) => applyGuideHandover(tx, handover('gh-3', 'ASSIGN', [move(1, 'gd-x', 'gd-b')])));
    await run();
    expect(await transfers('gh-3')).toEqual([expect.objectContaining({ status: 'PENDING', lastError: expect.stringContaining('gd-x has no WeCom userid') })]);
    await expect(h.db.transaction((tx) => applyGuideHandover(tx, { handoverId: 'gh-4', brandId: 'brand-lng', kind: 'ASSIGN' }))).rejects.toThrow(/payload needs/);
    await expect(h.db.transaction((tx) => applyGuideHandover(tx, handover('gh-5', 'ASSIGN', [{ memberId: 'm', fromGuideId: 'gd-a', toGuideId: 'gd-b', wecomContacts: [{ corpId: 'x' }] }])))).rejects.toThrow(/corpId and externalUserId/);
  });

  it('answers wecomTransfers(handoverId) fenced, in constant SQL statements per page', async () => {
    const Q = `query T($id: ID!, $first: Int) { wecomTransfers(handoverId: $id, first: $first) { totalCount pageInfo { hasNextPage }
      edges { node { id handoverId kind member { id } fromGuide { id } toGuide { id } corpId externalUserId status errorCode error attempts sentAt takenOverAt updatedAt } } } }`;
    type Out = { wecomTransfers: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: Record<string, unknown> }[] } };
    const lngAdmin = { role: 'BRAND_ADMIN' as const, brandId: 'brand-lng' };
    const d = await h.data<Out>(lngAdmin, Q, { id: 'gh-1', first: 2 });
    expect(d.wecomTransfers.totalCount).toBe(250);
    expect(d.wecomTransfers.pageInfo.hasNextPage).toBe(true);
    expect(d.wecomTransfers.edges[0]!.node).toMatchObject({ handoverId: 'gh-1', kind: 'ASSIGN', fromGuide: { id: 'gd-a' }, toGuide: { id: 'gd-b' }, corpId: wecom.corpId, errorCode: 0, error: null });
    const P = `query T($id: ID!, $after: String) { wecomTransfers(handoverId: $id, first: 100, after: $after) { pageInfo { hasNextPage endCursor }
      edges { node { externalUserId status errorCode error member { id } } } } }`;
    const nodes: Record<string, unknown>[] = [];
    for (let after: string | null = null, more = true; more; ) {
      const page: { wecomTransfers: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Record<string, unknown> }[] } } = await h.data(lngAdmin, P, { id: 'gh-1', after });
      nodes.push(...page.wecomTransfers.edges.map((e) => e.node));
      more = page.wecomTransfers.pageInfo.hasNextPage;
      after = page.wecomTransfers.pageInfo.endCursor;
    }
    expect(new Set(nodes.map((n) => n.externalUserId)).size).toBe(250);
    const failed = nodes.find((n) => n.externalUserId === 'wmgd-a00070');
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 40129, error: expect.stringContaining('40129'), member: { id: 'mem-gd-a-7' } });
    const total = async (viewer: Parameters<SubgraphHarness['data']>[0]) => (await h.data<Out>(viewer, Q, { id: 'gh-1', first: 1 })).wecomTransfers.totalCount;
    expect(await total({ role: 'PLATFORM_ADMIN' })).toBe(250);
    expect(await total({ role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-01' })).toBe(250);
    expect(await total({ role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-01', guideId: 'gd-b' })).toBe(250);
    expect(await total({ role: 'GUIDE', brandId: 'brand-lng', storeId: 'store-lng-01', guideId: 'gd-a' })).toBe(0);
    expect(await total({ role: 'STORE_STAFF', brandId: 'brand-lng', storeId: 'store-lng-02' })).toBe(0);
    expect(await total({ role: 'BRAND_ADMIN', brandId: 'brand-csm' })).toBe(0);
    expect(await total({ role: 'MEMBER', brandId: 'brand-lng', memberId: 'mem-gd-a-7' })).toBe(0);
    expect((await h.gql(anonymous, Q, { id: 'gh-1' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const five = await h.countStatements<Out>(lngAdmin, Q, { id: 'gh-1', first: 5 });
    const fifty = await h.countStatements<Out>(lngAdmin, Q, { id: 'gh-1', first: 50 });
    expect(fifty.res.data!.wecomTransfers.edges).toHaveLength(50);
    expect(five.statements).toBe(fifty.statements);
  });
});
const anonymous = { role: 'ANONYMOUS' as const };
