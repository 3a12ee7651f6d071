import type http from 'node:http';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Logger } from 'pino';
import { baseConfigShape, loadConfigOrExit, z, type BaseConfig } from './config';
import { Database } from './db/database';
import { resolveDatabaseUrl, type EmbeddedPostgres } from './db/embedded';
import { migrateSubgraph } from './db/migrate';
import { listen, type RouteHandler } from './http';
import { createLogger } from './logging';
import { createSubgraphServer, type SubgraphContext } from './subgraph';

/** What a subgraph's code is given to build its resolvers. */
export interface SubgraphDeps {
  db: Database;
  logger: Logger;
  config: BaseConfig;
}

/** A subgraph as its src/index.ts describes it. */
export interface SubgraphDefinition {
  name: string;
  /** Database schema holding its tables (embedded mode: one PGlite, one schema per subgraph). */
  schema: string;
  schemaFile: string;
  migrationsDir: string;
  defaultPort: number;
  resolvers(deps: SubgraphDeps): GraphQLResolverMap<SubgraphContext>;
  routes?(deps: SubgraphDeps): Record<string, RouteHandler>;
  /** Background work (consumers, relays); returns a stop function. */
  background?(deps: SubgraphDeps): Promise<() => Promise<void>>;
}

export interface RunningSubgraph {
  port: number;
  server: http.Server;
  deps: SubgraphDeps;
  stop(): Promise<void>;
}

/** Starts a subgraph on an existing database (tests, `npm start`): migrate, serve, background jobs. */
export async function startSubgraph(def: SubgraphDefinition, opts: { db: Database; config: BaseConfig; port: number; logger?: Logger; host?: string }): Promise<RunningSubgraph> {
  const logger = opts.logger ?? createLogger(def.name, opts.config.LOG_LEVEL);
  await migrateSubgraph(opts.db, def.schema, def.migrationsDir);
  const deps: SubgraphDeps = { db: opts.db, logger, config: opts.config };
  const { server, apollo } = await createSubgraphServer({
    name: def.name,
    schemaFile: def.schemaFile,
    resolvers: def.resolvers(deps),
    routes: def.routes?.(deps),
    logger,
    internalSecret: opts.config.INTERNAL_SECRET,
    viewerMaxAgeS: opts.config.VIEWER_MAX_AGE_S,
    ready: () => opts.db.ping(),
  });
  const stopBackground = def.background ? await def.background(deps) : async () => undefined;
  const port = await listen(server, opts.port, opts.host ?? '127.0.0.1');
  return {
    port,
    server,
    deps,
    async stop() {
      await stopBackground();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await apollo.stop();
    },
  };
}

export const subgraphConfigShape = { ...baseConfigShape, PORT: z.coerce.number().int().min(0).max(65535).optional(), HOST: z.string().default('0.0.0.0') };

/** A subgraph's src/main.ts: config from the environment, database (or the embedded one), graceful stop. */
export async function runSubgraphMain(def: SubgraphDefinition): Promise<void> {
  const config = loadConfigOrExit(subgraphConfigShape);
  const logger = createLogger(def.name, config.LOG_LEVEL);
  let embedded: EmbeddedPostgres | undefined;
  try {
    const resolved = await resolveDatabaseUrl(config);
    embedded = resolved.server;
    const db = new Database({ url: resolved.url, service: def.name, max: config.DB_POOL_MAX, embedded: resolved.embedded });
    const running = await startSubgraph(def, { db, config, port: config.PORT ?? def.defaultPort, logger, host: config.HOST });
    logger.info({ port: running.port, embedded: resolved.embedded }, `${def.name} subgraph ready`);
    const shutdown = async (signal: string) => {
      logger.info({ signal }, 'stopping');
      await running.stop();
      await db.close();
      await embedded?.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (e) {
    logger.fatal({ err: e }, `${def.name} failed to start`);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}
