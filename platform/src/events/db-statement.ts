import type { Database } from '../db/database';

/**
 * Runs one statement. On the embedded PGlite it runs in its own short transaction: pglite-socket
 * interleaves the protocol messages (Parse/Bind/Execute/Sync) of a parameterised statement sent
 * outside a transaction with another connection's BEGIN, which loses the statement or leaves a
 * client waiting forever. Inside a transaction the server serves one connection only.
 */
export function runStatement<R = Record<string, unknown>>(db: Database, text: string, params: readonly unknown[] = []): Promise<R[]> {
  return db.embedded ? db.transaction((tx) => tx.query<R>(text, params)) : db.query<R>(text, params);
}
