import { graphqlError, type Peers } from '@retail/platform';
import type { OrderForPayment } from '../src/model';

/**
 * Stands in for orders' internal orderForPayment (docs/events.md) in channels' own tests: the orders a test hands
 * over, or SERVICE_UNAVAILABLE while `down` is set. (The end-to-end test in tests/ runs the real orders subgraph.)
 */
export function ordersPeer(orders: OrderForPayment[]) {
  const state = { down: false, calls: 0 };
  const peers: Peers = {
    async query<D>(subgraph: string, _query: string, variables?: Record<string, unknown>): Promise<D> {
      state.calls += 1;
      if (subgraph !== 'orders' || state.down) throw graphqlError('SERVICE_UNAVAILABLE', `the ${subgraph} service is not running in this test`, { retryable: true });
      const ids = (variables?.ids ?? []) as string[];
      return { orderForPayment: orders.filter((o) => ids.includes(o.id)) } as D;
    },
  };
  return { peers, state, orders };
}
