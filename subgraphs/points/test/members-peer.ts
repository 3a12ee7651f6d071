import { DEMO_MEMBERS } from '@retail/members/demo';
import { graphqlError, type Peers } from '@retail/platform';
import { startSubgraphForTest, type SubgraphHarness } from '@retail/platform/testing';
import { pointsSubgraph } from '../src';

/** A member as members' internal memberFacts answers (docs/events.md, internal calls). */
export interface MemberFact {
  memberId: string;
  brandId: string;
  oneId: string;
  erased: boolean;
}

/**
 * Stands in for members' memberFacts in points' tests: the demo members (one OneID per demo person, as members
 * derives it from the phone) plus whatever a test adds; `calls` counts the questions, `down` makes members unreachable.
 */
export function membersPeer() {
  const facts = new Map<string, MemberFact>(DEMO_MEMBERS.map((m) => [m.id, { memberId: m.id, brandId: m.brandId, oneId: `oid-person-${m.person}`, erased: false }]));
  const state = { calls: 0, down: false };
  const peers: Peers = {
    async query<D>(subgraph: string, _query: string, variables: Record<string, unknown> = {}): Promise<D> {
      if (subgraph !== 'members' || state.down) throw graphqlError('SERVICE_UNAVAILABLE', `the ${subgraph} service is not running in this test`, { retryable: true });
      state.calls++;
      const ids = variables.ids as string[];
      const memberFacts = ids.flatMap((id) => {
        const f = facts.get(id);
        return f ? [{ id, ...f }] : [];
      });
      return { memberFacts } as D;
    },
  };
  return { peers, facts, state };
}

/**
 * points beside the members stand-in, with both velocity limits (redemptions and exchanges a minute) set to `limit`
 * while it runs: the exchange tests' subgraph. `close` stops it and clears the limits.
 */
export async function startPointsWithMembers(limit: number): Promise<{ h: SubgraphHarness; members: ReturnType<typeof membersPeer>; close: () => Promise<void> }> {
  const members = membersPeer();
  process.env.POINTS_REDEEM_LIMIT_PER_MINUTE = String(limit);
  process.env.POINTS_EXCHANGE_LIMIT_PER_MINUTE = String(limit);
  const h = await startSubgraphForTest(pointsSubgraph, { peers: members.peers });
  return {
    h,
    members,
    close: async () => {
      await h.close();
      delete process.env.POINTS_REDEEM_LIMIT_PER_MINUTE;
      delete process.env.POINTS_EXCHANGE_LIMIT_PER_MINUTE;
    },
  };
}
