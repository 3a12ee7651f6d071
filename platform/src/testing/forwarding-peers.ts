import { graphqlError } from '../errors';
import { createPeers, type Peers } from '../peers';
import { TEST_INTERNAL_SECRET } from './graphql';

/**
 * The other subgraphs a subgraph under test calls: each named one either forwarded over HTTP to a real subgraph
 * started by the test (its /graphql URL, called as a signed SERVICE viewer, exactly as in production) or answered
 * by a stand-in (e.g. storeOperatorsPeer(...).peers). A subgraph not named is SERVICE_UNAVAILABLE, never a
 * service on its registered port. E.g. `peersTo({ products: products.url, stores: storesPeer.peers })`.
 * `timeoutMs` is each call's deadline (production's 3 s by default): a test that loads a machine shared with other
 * test files on purpose (100 parallel orders) may give its calls longer, so it measures its rule, not the machine.
 */
export function peersTo(targets: Record<string, string | Peers>, internalSecret = TEST_INTERNAL_SECRET, opts: { timeoutMs?: number } = {}): Peers {
  const urls: Record<string, string> = {};
  for (const [name, target] of Object.entries(targets)) if (typeof target === 'string') urls[name] = target;
  const forward = createPeers({ internalSecret, urls, env: {}, timeoutMs: opts.timeoutMs });
  return {
    query<D>(subgraph: string, query: string, variables?: Record<string, unknown>, request?: Parameters<Peers['query']>[3]): Promise<D> {
      const target = targets[subgraph];
      if (target === undefined) return Promise.reject(graphqlError('SERVICE_UNAVAILABLE', `the ${subgraph} service is not running in this test`, { retryable: true }));
      return typeof target === 'string' ? forward.query<D>(subgraph, query, variables, request) : target.query<D>(subgraph, query, variables, request);
    },
  };
}
