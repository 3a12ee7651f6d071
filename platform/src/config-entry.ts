// @retail/platform/config: what a service reads before it loads its code (docs/architecture.md §3, "Exposure and
// secrets"): the settings shapes and their checks, nothing that opens a port, a pool or a schema.
import { loadConfigOrExit, subgraphConfigShape, type SettingsShape } from './config';
import type { Subgraph } from './service';

export * from './config';
export * from './auth/dev-defaults';
export { accountRefKeySetting, DEV_ACCOUNT_REF_KEY } from './account-ref';

/**
 * A subgraph's src/main.ts: checks the configuration (every subgraph's settings and its own `settings`) first and
 * exits with one `config:` line when it is refused; only then loads the subgraph (`load`, a `require` of its
 * src/index.ts) and the platform's runtime, and runs it (runSubgraphMain).
 */
export function runSubgraphProcess(settings: SettingsShape, load: () => Subgraph): Promise<void> {
  loadConfigOrExit({ ...subgraphConfigShape, ...settings });
  const { runSubgraphMain } = require('./service') as typeof import('./service');
  return runSubgraphMain(load());
}
