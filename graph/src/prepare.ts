import { migrateSubgraph, subgraphPaths, type Database } from '@retail/platform';
import { SUBGRAPHS } from './registry';

/**
 * Migrates every implemented subgraph's schema and, unless already done, loads the demo data (each subgraph's
 * seed reads its own settings from `env`, default process.env: the environment its service runs with).
 * The marker table means a restart never re-seeds over the user's own changes.
 */
export async function prepareDatabase(
  db: Database,
  opts: { seed: 'if-new' | 'always' | 'never'; log?: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<{ seeded: boolean }> {
  const log = opts.log ?? (() => undefined);
  for (const subgraph of SUBGRAPHS) {
    const applied = await migrateSubgraph(db, subgraph.name, subgraphPaths(subgraph).migrationsDir);
    if (applied.length) log(`migrated ${subgraph.name}: ${applied.join(', ')}`);
  }
  if (opts.seed === 'never') return { seeded: false };
  await db.query('CREATE SCHEMA IF NOT EXISTS platform_meta');
  await db.query('CREATE TABLE IF NOT EXISTS platform_meta.demo_seed (part text PRIMARY KEY, seeded_at timestamptz NOT NULL DEFAULT now())');
  let seeded = false;
  for (const subgraph of SUBGRAPHS) {
    const name = subgraph.name;
    const done = await db.query('SELECT 1 FROM platform_meta.demo_seed WHERE part = $1', [name]);
    if (done.length && opts.seed === 'if-new') continue;
    await subgraph.seed(db, opts.env);
    await db.query('INSERT INTO platform_meta.demo_seed (part) VALUES ($1) ON CONFLICT (part) DO UPDATE SET seeded_at = now()', [name]);
    log(`seeded demo data: ${name}`);
    seeded = true;
  }
  return { seeded };
}
