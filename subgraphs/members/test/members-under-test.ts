import { startSubgraphForTest, storeOperatorsPeer, type SubgraphHarness } from '@retail/platform/testing';
import { DEMO_STORES } from '@retail/stores/demo';
import { membersSubgraph } from '../src';
import { DEMO_DIRECTORY_AS_OF } from '../src/demo/data';

/** A userError as the tests read it. */
export interface UserError {
  code: string;
  field: string[] | null;
}

/**
 * The members subgraph on a fresh database with its demo data. The stores subgraph it asks before a franchisee's
 * write (storeOperators) is a stand-in answering from the stores demo data, as of the members demo directory.
 */
export function startMembers(stores = demoStoresPeer()): Promise<SubgraphHarness> {
  return startSubgraphForTest(membersSubgraph, { peers: stores.peers });
}

/** The stores stand-in: a test that hands a store over (stores.handover) passes it to startMembers. */
export const demoStoresPeer = () => storeOperatorsPeer(DEMO_STORES, DEMO_DIRECTORY_AS_OF);
