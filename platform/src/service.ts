import type http from 'node:http';
import path from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Logger } from 'pino';
import { baseConfigShape, loadConfigOrExit, parseConfig, subgraphConfigShape, z, type BaseConfig, type SettingsOf, type SettingsShape } from './config';
import { Database } from './db/database';
import { resolveDatabaseUrl, type EmbeddedPostgres } from './db/embedded';
import { migrateSubgraph } from './db/migrate';
import { createMetricsServer, drainServer, listen, type RouteHandler } from './http';
import { createLogger } from './logging';
import { createSubgraphServer, type SubgraphContext } from './subgraph';
import type { Scope } from './auth/scope';
import { startServiceEvents, type ConsumedTopic } from './events/service-events';
import { startJobs, type Job } from './jobs';
import { createPeers, type Peers } from './peers';
import { Health } from './health';
import { watchProcessFaults } from './process-faults';

/** What a subgraph's background work and routes are given. */
export interface SubgraphDeps {
  db: Database;
  logger: Logger;
  config: BaseConfig;
  /** Other subgraphs' internal fields, as a signed SERVICE viewer (never inside a transaction). */
  peers: Peers;
  /** /readyz: add a named check for anything the service cannot work without. */
  health: Health;
}

/**
 * A subgraph as its src/index.ts describes it (docs/adding-a-subgraph.md). The registry lists these;
 * `npm start`, the gateway's service list (through the composed supergraph), `npm run compose`, the
 * bench and the docker-compose check all derive from it.
 */
export interface SubgraphDefinition<L = unknown, S extends SettingsShape = Record<never, never>> {
  /** The service name, its database schema and its event consumer group. */
  name: string;
  /** Its default port: the one place in the code a subgraph's port is written. */
  port: number;
  /** Its folder (subgraphs/<name>): migrations/, src/main.ts and dist/main.js are found from here. */
  dir: string;
  /**
   * Settings of its own beside every subgraph's (subgraphConfigShape), read from the environment when it starts
   * (one `config:` line names every problem) and when its demo data is loaded; resolvers and commands read them as
   * `ctx.settings`. A key or password is a secretSetting, which production refuses to leave at its default.
   */
  settings?: S;
  resolvers: GraphQLResolverMap<SubgraphContext<L, SettingsOf<S>>>;
  /** The request's typed loaders (src/loaders.ts), built once per request. */
  loaders(db: Database, scope: Scope): L;
  /** Topics it writes to its outbox (the relay runs when there is one) and the ones it applies. */
  events: { publishes: readonly string[]; consumes: readonly ConsumedTopic[] };
  /** Its background jobs; a function when a job needs the subgraph's own settings (e.g. a key to decrypt credentials). */
  jobs: readonly Job[] | ((settings: SettingsOf<S>) => readonly Job[]);
  /** Loads its demo data (src/demo/) with its settings; idempotent, never overwrites what a user changed. */
  seed(db: Database, settings: SettingsOf<S>): Promise<void>;
  /**
   * Plain HTTP routes beside /graphql ("METHOD /path", or a prefix ending in "*"), e.g. a channel provider's signed
   * callbacks: no viewer header is asked for (the handler authenticates the request itself), the handler gets the
   * raw body bytes (at most the service's body limit, else 413) and the subgraph's own settings.
   */
  routes?(deps: SubgraphDeps, settings: SettingsOf<S>): Record<string, RouteHandler>;
}

/**
 * A subgraph as the registry, the runner and the tests see it: its definition with the loader and settings
 * types hidden inside `createServer` and `seed`, so subgraphs of different types fit in one list.
 */
export interface Subgraph extends Omit<SubgraphDefinition, 'resolvers' | 'loaders' | 'settings' | 'seed' | 'routes' | 'jobs'> {
  /** Its background jobs, its settings read from `env` (default process.env). */
  jobs(env?: NodeJS.ProcessEnv): readonly Job[];
  /** The shape of its own settings ({} when it has none). */
  settings: SettingsShape;
  /** Its plain HTTP routes, its settings read from `env` (default process.env). */
  routes?(deps: SubgraphDeps, env?: NodeJS.ProcessEnv): Record<string, RouteHandler>;
  /** Loads its demo data, its settings read from `env` (default process.env). */
  seed(db: Database, env?: NodeJS.ProcessEnv): Promise<void>;
  createServer(opts: {
    db: Database;
    logger: Logger;
    config: BaseConfig;
    peers: Peers;
    health: Health;
    /** Where its own settings are read from (default process.env). */
    env?: NodeJS.ProcessEnv;
    routes?: Record<string, RouteHandler>;
    /** Serve /metrics on the service port to loopback callers (default true); false when METRICS_PORT serves them. */
    metricsOnServicePort?: boolean;
  }): Promise<{ server: http.Server; stop(): Promise<void> }>;
}

/**
 * A subgraph's src/index.ts exports `defineSubgraph<Loaders, typeof SETTINGS>({...})` (the settings type only when
 * it has settings of its own): the definition, checked, ready to register.
 */
export function defineSubgraph<L, S extends SettingsShape = Record<never, never>>(def: SubgraphDefinition<L, S>): Subgraph {
  const { resolvers, loaders, settings: shape, seed, routes, jobs, ...rest } = def;
  const settingsShape: SettingsShape = shape ?? {};
  const readSettings = (env: NodeJS.ProcessEnv = process.env) => parseConfig(settingsShape, env) as SettingsOf<S>;
  return {
    ...rest,
    settings: settingsShape,
    seed: (db, env) => seed(db, readSettings(env)),
    jobs: (env) => (typeof jobs === 'function' ? jobs(readSettings(env)) : jobs),
    ...(routes ? { routes: (deps: SubgraphDeps, env?: NodeJS.ProcessEnv) => routes(deps, readSettings(env)) } : {}),
    async createServer(opts) {
      const { server, apollo } = await createSubgraphServer<L, SettingsOf<S>>({
        name: def.name,
        schemaFile: subgraphPaths(def).schemaFile,
        resolvers,
        db: opts.db,
        loaders,
        settings: readSettings(opts.env),
        peers: opts.peers,
        routes: opts.routes,
        metricsOnServicePort: opts.metricsOnServicePort,
        logger: opts.logger,
        internalSecret: opts.config.INTERNAL_SECRET,
        viewerMaxAgeS: opts.config.VIEWER_MAX_AGE_S,
        health: opts.health,
      });
      return { server, stop: () => apollo.stop() };
    },
  };
}

/** Where a subgraph's files are, from its folder. */
export function subgraphPaths(def: Pick<SubgraphDefinition, 'name' | 'dir'>) {
  return {
    schemaFile: path.resolve(def.dir, '../../schema', `${def.name}.graphql`),
    migrationsDir: path.join(def.dir, 'migrations'),
    /** The process entry: TypeScript for development (tsx), compiled JavaScript for production. */
    main: { source: path.join(def.dir, 'src/main.ts'), compiled: path.join(def.dir, 'dist/main.js') },
  };
}

export interface RunningSubgraph {
  port: number;
  /** The port of /metrics when it has its own (metricsPort), else undefined: then it is on `port`, loopback only. */
  metricsPort?: number;
  server: http.Server;
  deps: SubgraphDeps;
  /**
   * Graceful stop: /readyz answers 503 and no connection is accepted from the first moment; idle keep-alive
   * connections close at once; requests in flight finish (at most `drainMs`, default SHUTDOWN_DRAIN_MS, then
   * their connections are cut) while event consumers and jobs finish the event or run under way; then
   * Apollo stops. Prompt when nothing is in flight. The database stays open (it is the caller's).
   */
  stop(drainMs?: number): Promise<void>;
}

/**
 * Starts a subgraph on an existing database (tests, `npm start`): migrate, serve, background jobs. With
 * `metricsPort` (METRICS_PORT), /metrics is served there (on `host`) and not on the service port.
 */
export async function startSubgraph(
  def: Subgraph,
  opts: {
    db: Database;
    config: BaseConfig;
    port: number;
    logger?: Logger;
    host?: string;
    metricsPort?: number;
    peerUrls?: Record<string, string>;
    peers?: Peers;
    /** Where the subgraph's own settings are read from (default process.env). */
    env?: NodeJS.ProcessEnv;
  },
): Promise<RunningSubgraph> {
  const logger = opts.logger ?? createLogger(def.name, opts.config.LOG_LEVEL);
  const paths = subgraphPaths(def);
  await migrateSubgraph(opts.db, def.name, paths.migrationsDir);
  const peers = opts.peers ?? createPeers({ internalSecret: opts.config.INTERNAL_SECRET, urls: opts.peerUrls });
  // A free pool connection within 300 ms and SELECT 1: an exhausted pool says so at once instead of queueing.
  const health = new Health().add('database', () => opts.db.readiness());
  const deps: SubgraphDeps = { db: opts.db, logger, config: opts.config, peers, health };
  const { server, stop: stopServer } = await def.createServer({
    db: opts.db,
    logger,
    config: opts.config,
    peers,
    health,
    env: opts.env,
    routes: def.routes?.(deps, opts.env),
    metricsOnServicePort: opts.metricsPort === undefined,
  });
  const stopEvents =
    def.events.publishes.length || def.events.consumes.length
      ? await startServiceEvents({ ...deps, schema: def.name, publishes: def.events.publishes.length > 0, consumes: [...def.events.consumes] })
      : async () => undefined;
  const stopJobs = startJobs(def.jobs(opts.env), deps);
  const port = await listen(server, opts.port, opts.host ?? '127.0.0.1');
  const metricsServer = opts.metricsPort === undefined ? undefined : createMetricsServer();
  const metricsPort = metricsServer ? await listen(metricsServer, opts.metricsPort ?? 0, opts.host ?? '127.0.0.1') : undefined;
  return {
    port,
    metricsPort,
    server,
    deps,
    async stop(drainMs = opts.config.SHUTDOWN_DRAIN_MS) {
      health.startDraining();
      // Synchronously, before any await: the listeners close, so no connection is accepted after this.
      const drains = (metricsServer ? [server, metricsServer] : [server]).map((s) => drainServer(s, drainMs));
      const background = Promise.all([stopJobs(drainMs), stopEvents()]);
      const [drained] = await Promise.all(drains);
      await background;
      if (drained) logger.info(drained, drained.cut ? 'requests drained; some were cut at the deadline' : 'requests drained');
      await stopServer();
    },
  };
}

/** A subgraph's src/main.ts: config from the environment, database (or the embedded one), graceful stop. */
export async function runSubgraphMain(def: Subgraph): Promise<void> {
  // Its own settings are checked here too, so one `config:` line names every problem before anything starts.
  const config = loadConfigOrExit({ ...subgraphConfigShape, ...def.settings }) as z.infer<z.ZodObject<typeof subgraphConfigShape>>;
  const logger = createLogger(def.name, config.LOG_LEVEL);
  watchProcessFaults(logger);
  let embedded: EmbeddedPostgres | undefined;
  try {
    const resolved = await resolveDatabaseUrl(config);
    embedded = resolved.server;
    const db = new Database({
      url: resolved.url,
      service: def.name,
      max: config.DB_POOL_MAX,
      embedded: resolved.embedded,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: config.DB_LOCK_TIMEOUT_MS,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      logger,
    });
    const running = await startSubgraph(def, { db, config, port: config.PORT ?? def.port, logger, host: config.HOST, metricsPort: config.METRICS_PORT });
    logger.info({ port: running.port, metricsPort: running.metricsPort, embedded: resolved.embedded }, `${def.name} subgraph ready`);
    exitOnShutdownSignal(logger, config.SHUTDOWN_DRAIN_MS, async () => {
      await running.stop(config.SHUTDOWN_DRAIN_MS);
      await db.close();
      await embedded?.stop();
    });
  } catch (e) {
    logger.fatal({ err: e }, `${def.name} failed to start`);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

/** Time a shutdown may take beyond SHUTDOWN_DRAIN_MS (event consumers, pools) before the process gives up. */
export const SHUTDOWN_GRACE_MS = 5_000;

/**
 * A service process's graceful shutdown (a subgraph's runSubgraphMain, the gateway's main): on the first
 * SIGTERM or SIGINT, `stop()` (which drains for at most `drainMs`), then exit 0. A second signal while
 * stopping changes nothing (under `npm start` a child gets the terminal's SIGINT and then its parent's
 * SIGTERM). A stop that fails, or is still running after drainMs + SHUTDOWN_GRACE_MS, exits 1.
 */
export function exitOnShutdownSignal(logger: Logger, drainMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return void logger.info({ signal }, 'already stopping');
    stopping = true;
    const started = Date.now();
    logger.info({ signal, drainMs }, 'stopping');
    setTimeout(() => {
      logger.error({ signal, ms: Date.now() - started }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, drainMs + SHUTDOWN_GRACE_MS);
    stop().then(
      () => {
        logger.info({ signal, ms: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err, signal }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
