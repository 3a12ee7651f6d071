import { graphqlError, type Peers, type StoreOperator } from '@retail/platform';
import { DEMO_STORES } from '@retail/stores/demo';

/** When products' demo directory says the demo stores last changed (src/demo/index.ts seeds it so). */
export const DEMO_DIRECTORY_TIME = '2024-01-01T00:00:00.000Z';

/**
 * The stores subgraph as products sees it in its own tests: Query.storeOperators answered from a map that
 * starts as the demo stores and that a test may change (a handover stores has made, whose event is late).
 */
export function storesPeer() {
  const operators = new Map<string, StoreOperator>(
    DEMO_STORES.map((s) => [s.id, { storeId: s.id, brandId: s.brandId, franchiseeId: s.franchiseeId, updatedAt: DEMO_DIRECTORY_TIME }]),
  );
  let reachable = true;
  const calls: string[][] = [];
  const peers: Peers = {
    async query<D>(subgraph: string, _query: string, variables: Record<string, unknown> = {}): Promise<D> {
      if (subgraph !== 'stores' || !reachable) throw graphqlError('SERVICE_UNAVAILABLE', `the ${subgraph} service did not answer; try again`, { retryable: true });
      const ids = variables.ids as string[];
      calls.push(ids);
      return { storeOperators: ids.flatMap((id) => operators.get(id) ?? []) } as D;
    },
  };
  return {
    peers,
    calls,
    handOver(storeId: string, franchiseeId: string) {
      const s = operators.get(storeId);
      if (!s) throw new Error(`no demo store ${storeId}`);
      operators.set(storeId, { ...s, franchiseeId, updatedAt: new Date().toISOString() });
    },
    setReachable(value: boolean) {
      reachable = value;
    },
  };
}
