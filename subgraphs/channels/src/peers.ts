import type { Peers } from '@retail/platform';

// The members subgraph's facts about a member that issuing a coupon needs, asked through ctx.peers (a SERVICE viewer:
// members' _entities) before any transaction (docs/architecture.md §8).

export interface MemberAccounts {
  /** The member asked for, or the survivor it was merged into. */
  id: string;
  brandId: string;
  homeStoreId: string | null;
  identities: { channel: string; appId: string; externalId: string }[];
}

const QUERY = `query MemberAccounts($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id brand { id } homeStore { id } identities { channel appId externalId } } } }`;

/** The member's brand, home store and channel accounts; null when members does not know it. */
export async function memberAccounts(peers: Peers, memberId: string): Promise<MemberAccounts | null> {
  const data = await peers.query<{ _entities: (null | { id: string; brand: { id: string }; homeStore: { id: string } | null; identities: MemberAccounts['identities'] })[] }>('members', QUERY, {
    r: [{ __typename: 'Member', id: memberId }],
  });
  const m = data._entities[0];
  return m ? { id: m.id, brandId: m.brand.id, homeStoreId: m.homeStore?.id ?? null, identities: m.identities } : null;
}
