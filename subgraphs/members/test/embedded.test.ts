import { createTestEmbedded, startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { membersSubgraph } from '../src';
import { DEMO_IDENTITIES, DEMO_MEMBERS } from '../src/demo/data';
import { as } from './callers';

// The same subgraph on the embedded database (PGlite over pglite-socket), as `npm start` runs it.
let h: SubgraphHarness;
beforeAll(async () => {
  h = await startSubgraphForTest(membersSubgraph, { database: createTestEmbedded });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const count = async (table: string) => (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM members.${table}`))[0]!.n;

describe('members on the embedded database', () => {
  it('seeds idempotently and serves a guide its customers', async () => {
    await membersSubgraph.seed(h.db);
    expect([await count('member'), await count('channel_identity')]).toEqual([DEMO_MEMBERS.length, DEMO_IDENTITIES.length]);
    const d = await h.data<{ members: { totalCount: number } }>(as.lngGuide031, `{ members { totalCount } }`);
    expect(d.members.totalCount).toBe(DEMO_MEMBERS.filter((m) => m.guideId === 'gd-lng-03-1').length);
  });

  it('creates ONE member for 20 parallel joins with the same identity', async () => {
    const input = { brandId: 'brand-lng', phone: '13700001111', identity: { channel: 'WECHAT', appId: 'wx-embedded', externalId: 'o-embedded-1' }, storeId: 'store-lng-03' };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.data<{ registerMember: { member: { id: string }; alreadyMember: boolean } }>(
          as.lngStaff03,
          `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } alreadyMember } }`,
          { input },
        ),
      ),
    );
    expect(new Set(results.map((r) => r.registerMember.member.id)).size).toBe(1);
    expect(results.filter((r) => !r.registerMember.alreadyMember)).toHaveLength(1);
    expect(await count('member')).toBe(DEMO_MEMBERS.length + 1);
  });
});
