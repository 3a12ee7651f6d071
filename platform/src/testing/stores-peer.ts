import { graphqlError } from '../errors';
import type { Peers } from '../peers';
import type { StoreOperator } from '../store-directory';

/**
 * The stores subgraph as a subgraph under test sees it (Query.storeOperators, which operatorBeforeWrite asks):
 * answered from a map that starts as `stores` (last changed at `asOf`) and that a test may change (a handover
 * stores has made, whose event is late) or cut off (stores cannot answer).
 */
export function storeOperatorsPeer(stores: readonly { id: string; brandId: string; franchiseeId: string }[], asOf: string) {
  const operators = new Map<string, StoreOperator>(stores.map((s) => [s.id, { storeId: s.id, brandId: s.brandId, franchiseeId: s.franchiseeId, updatedAt: asOf }]));
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
    /** The store ids of every storeOperators call so far. */
    calls,
    handOver(storeId: string, franchiseeId: string) {
      const s = operators.get(storeId);
      if (!s) throw new Error(`no store ${storeId}`);
      operators.set(storeId, { ...s, franchiseeId, updatedAt: new Date().toISOString() });
    },
    setReachable(value: boolean) {
      reachable = value;
    },
  };
}
