import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, created on first use under a name. One instance per request, so caching
 * never leaks between callers of different scopes.
 */
export class Loaders {
  private readonly map = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V, C = K>(name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>): DataLoader<K, V, C> {
    let l = this.map.get(name);
    if (!l) {
      l = new DataLoader<K, V, C>(batch, options) as unknown as DataLoader<unknown, unknown>;
      this.map.set(name, l);
    }
    return l as unknown as DataLoader<K, V, C>;
  }
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
