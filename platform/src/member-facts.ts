import type { Peers } from './peers';

/**
 * What members says of a member now (its internal `memberFacts`, docs/events.md "Internal calls"), for a subgraph
 * that must check a member before a write: orders at order time, points before an exchange quote.
 */
export interface MemberFacts {
  /** The id asked for. */
  id: string;
  /** The member's id now: the survivor's when the asked id was merged. */
  memberId: string;
  brandId: string;
  oneId: string;
  homeStoreId: string | null;
  /** The exclusive guide (专属导购) now. */
  guideId: string | null;
  tierCode: string;
  erased: boolean;
}

/** The facts of members by id, in one call; unknown ids are absent. Never call it inside a transaction. */
export async function memberFacts(peers: Peers, ids: readonly string[]): Promise<MemberFacts[]> {
  const data = await peers.query<{ memberFacts: MemberFacts[] }>(
    'members',
    'query MemberFacts($ids: [ID!]!) { memberFacts(ids: $ids) { id memberId brandId oneId homeStoreId guideId tierCode erased } }',
    { ids },
  );
  return data.memberFacts;
}
