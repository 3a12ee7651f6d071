import DataLoader from 'dataloader';
import type { Page } from './pagination';

// Per-request DataLoaders: each subgraph's src/loaders.ts builds its typed set once per request (the
// subgraph context does it), so caching never leaks between callers of different scopes, and every load
// of one request level becomes one SQL statement.

/** A loader of entities by id: one statement for all ids of a level; a missing or hidden id gets null. */
export function entityLoader<R extends { id: string }>(fetch: (ids: readonly string[]) => Promise<R[]>): DataLoader<string, R | null> {
  return new DataLoader<string, R | null>(async (ids) => byKeys(ids, await fetch(ids), (r) => r.id));
}

/**
 * Loaders that take arguments (a nested list's page, a status filter): one DataLoader per distinct
 * argument key, so parents asking for the same page are batched and different pages are never mixed.
 */
export function loaderFamily<A, K, V, C = K>(keyOf: (args: A) => string, make: (args: A) => DataLoader<K, V, C>): (args: A) => DataLoader<K, V, C> {
  const made = new Map<string, DataLoader<K, V, C>>();
  return (args) => {
    const key = keyOf(args);
    let loader = made.get(key);
    if (!loader) {
      loader = make(args);
      made.set(key, loader);
    }
    return loader;
  };
}

/** Orders rows to match keys (DataLoader's contract); a missing key gets null. */
export function byKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): (R | null)[] {
  const m = new Map<K, R>();
  for (const r of rows) m.set(keyOf(r), r);
  return keys.map((k) => m.get(k) ?? null);
}

/** Groups rows by key for one-to-many loaders; a key without rows gets []. */
export function groupByKeys<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (r: R) => K): R[][] {
  const m = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return keys.map((k) => m.get(k) ?? []);
}

/**
 * A nested list's loader (fetchPagesByParent behind it): the same page for many parents in one statement; a
 * parent without rows gets an empty page.
 */
export function pagesLoader<R>(fetch: (parents: readonly string[]) => Promise<Map<string, Page<R>>>): DataLoader<string, Page<R>> {
  return new DataLoader<string, Page<R>>(async (ids) => {
    const pages = await fetch(ids);
    return ids.map((id) => pages.get(id) ?? { rows: [], total: 0 });
  });
}
