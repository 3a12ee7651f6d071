// @apollo/federation-internals re-exports its modules the way TypeScript's CommonJS output does: through a
// getter per name that reads the name from its module (`get: () => m[k]`). @apollo/gateway calls through those
// getters for every field it shapes (`(0, federation_internals_1.isCompositeType)(…)`), and the one shared
// getter, megamorphic, was ~10% of the gateway's CPU on s1 (docs/performance.md, "Re-export getters").
// Loaded before @apollo/gateway, this puts a plain object with the same values in require's cache in place of
// the package's index, so the gateway's modules get that one. Only the index is swapped; the package's modules
// keep their own exports (they never go through the index). No export of the package changes after it loaded,
// so the copies stay true. Where require's cache is not Node's (jest), this does nothing.
const PACKAGE = '@apollo/federation-internals';

export function flattenFederationExports(): boolean {
  const exported: unknown = require(PACKAGE);
  const entry = require.cache[require.resolve(PACKAGE)];
  if (!entry || typeof exported !== 'object' || exported === null) return false;
  const flat: Record<string, unknown> = {};
  for (const key of Object.keys(exported)) flat[key] = (exported as Record<string, unknown>)[key];
  Object.defineProperty(flat, '__esModule', { value: true });
  entry.exports = flat;
  return true;
}

flattenFederationExports();
