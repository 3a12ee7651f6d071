import type { Scope } from './auth/scope';
import type { Peers } from './peers';

/** A store's brand and operator as the stores subgraph knows them now, with the time of its last change. */
export interface StoreOperator {
  storeId: string;
  brandId: string;
  franchiseeId: string;
  /** ISO 8601: orders this answer against stores.store.changed events (an older one never overwrites it). */
  updatedAt: string;
}

/**
 * Who operates a store now, asked of the stores subgraph (internal Query.storeOperators, SERVICE viewer).
 * A subgraph that fences by operator through its own store directory (fed by stores.store.changed) asks
 * before an operator's write and records the answer, so a store handed to another operator is out of the old
 * operator's reach as soon as the handover returns, whatever the event delay (docs/architecture.md §4).
 * Null when stores does not know the store. Never call it inside a transaction.
 */
export async function currentStoreOperator(peers: Peers, storeId: string): Promise<StoreOperator | null> {
  const data = await peers.query<{ storeOperators: StoreOperator[] }>(
    'stores',
    'query StoreOperators($ids: [ID!]!) { storeOperators(ids: $ids) { storeId brandId franchiseeId updatedAt } }',
    { ids: [storeId] },
  );
  return data.storeOperators.find((s) => s.storeId === storeId) ?? null;
}

/**
 * Before a write fenced by the store's operator: the current operator when the caller acts as one (FRANCHISEE
 * scope), else null — a handover changes nobody else's reach (brand admins keep the brand, staff their store).
 */
export function operatorBeforeWrite(ctx: { scope: Scope; peers: Peers }, storeId: string): Promise<StoreOperator | null> {
  return ctx.scope.kind === 'franchisee' ? currentStoreOperator(ctx.peers, storeId) : Promise.resolve(null);
}
