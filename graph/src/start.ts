// npm start (TypeScript sources under tsx) and npm run start:prod (compiled JavaScript, `npm run build`
// first): the whole graph on one machine. Without DATABASE_URL it serves the embedded PGlite database
// from this process (data under DATA_DIR), migrates and seeds it on first start, then runs every
// registered subgraph and the gateway as child processes. Ctrl-C stops them all.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  Database,
  loadConfigOrExit,
  embeddedSocket,
  SHUTDOWN_GRACE_MS,
  socketAnswers,
  startEmbeddedPostgres,
  subgraphPaths,
  z,
  type EmbeddedPostgres,
} from '@retail/platform';
import { startConfigShape } from './config';
import { prepareDatabase } from './prepare';
import { SUBGRAPHS } from './registry';

const ROOT = path.resolve(__dirname, '../..');
/** Compiled (dist/start.js) runs the compiled services with node; the sources run under tsx. */
const COMPILED = __filename.endsWith('.js');
const GATEWAY_DIR = path.dirname(require.resolve('@retail/gateway/package.json'));
const gatewayMain = COMPILED ? path.join(GATEWAY_DIR, 'dist/main.js') : path.join(GATEWAY_DIR, 'src/main.ts');
// The subgraphs' own settings too (their seeds read them here; their processes read them again): one `config:`
// line names every problem before anything starts.
const config = loadConfigOrExit({ ...startConfigShape, ...Object.assign({}, ...SUBGRAPHS.map((s) => s.settings)) }) as z.infer<z.ZodObject<typeof startConfigShape>>;
const gatewayPort = config.PORT ?? config.GATEWAY_PORT;
const children: { name: string; proc: ChildProcess }[] = [];
let embedded: EmbeddedPostgres | undefined;
let stopping = false;

function say(line: string): void {
  process.stdout.write(`[start] ${line}\n`);
}

async function waitHealthy(name: string, port: number, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with code ${proc.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become healthy on port ${port} within ${timeoutMs / 1000} s`);
}

function launch(name: string, file: string, env: NodeJS.ProcessEnv): ChildProcess {
  const args = COMPILED ? ['--conditions=production', file] : ['--import', 'tsx', file];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push({ name, proc });
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping everything`);
      void shutdown(1);
    }
  });
  return proc;
}

/**
 * SIGTERM, then time to drain: a child finishes its requests in flight (SHUTDOWN_DRAIN_MS, the setting it
 * reads too) and closes its pools; only one that overruns even its own deadline is killed.
 */
function stopChild(proc: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const kill = setTimeout(() => proc.kill('SIGKILL'), config.SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS + 2000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  // The gateway first: while it drains, its requests in flight still reach the subgraphs; then the subgraphs.
  await Promise.all(children.filter((c) => c.name === 'gateway').map(({ proc }) => stopChild(proc)));
  await Promise.all(children.filter((c) => c.name !== 'gateway').map(({ proc }) => stopChild(proc)));
  await embedded?.stop().catch(() => undefined);
  say('stopped');
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const socket = embeddedSocket(config.DATA_DIR, config.EMBEDDED_PG_PORT).path;
    if (await socketAnswers(socket)) {
      throw new Error(`the embedded database ${socket} is already served (is another npm start running?); stop it or use another DATA_DIR`);
    }
    const started = Date.now();
    embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT });
    databaseUrl = embedded.url;
    say(`embedded PostgreSQL (PGlite) on the Unix socket ${embeddedSocket(config.DATA_DIR, config.EMBEDDED_PG_PORT).path} (this user only), data in ${path.resolve(config.DATA_DIR)} (${Date.now() - started} ms)`);
  }
  say(COMPILED ? 'running the compiled services (dist/, npm run build)' : 'running the TypeScript sources (tsx)');
  const db = new Database({ url: databaseUrl, service: 'start', max: 2, embedded: !!embedded });
  const { seeded } = await prepareDatabase(db, { seed: 'if-new', log: say });
  await db.close();
  if (!seeded) say('database ready (demo data already loaded)');

  // Every child would bind the same METRICS_PORT: on one machine each serves /metrics on its own port (local callers).
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, PORT: '', METRICS_PORT: '' };
  // <NAME>_PORT moves one subgraph (e.g. STORES_PORT=5101); the gateway is told where it went.
  const portOf = (name: string, dflt: number) => Number(process.env[`${name.toUpperCase()}_PORT`] ?? dflt);
  for (const subgraph of SUBGRAPHS) {
    env[`SUBGRAPH_URL_${subgraph.name.toUpperCase()}`] ??= `http://127.0.0.1:${portOf(subgraph.name, subgraph.port)}/graphql`;
  }
  await Promise.all(
    SUBGRAPHS.map(async (subgraph) => {
      const port = portOf(subgraph.name, subgraph.port);
      const { main } = subgraphPaths(subgraph);
      const proc = launch(subgraph.name, COMPILED ? main.compiled : main.source, { ...env, PORT: String(port) });
      await waitHealthy(subgraph.name, port, proc);
      say(`${subgraph.name} subgraph on http://127.0.0.1:${port}/graphql`);
    }),
  );
  const gw = launch('gateway', gatewayMain, { ...env, PORT: String(gatewayPort) });
  await waitHealthy('gateway', gatewayPort, gw);
  say('');
  say(`the graph is up: http://localhost:${gatewayPort}/graphql`);
  say('anonymous callers read the public catalog; for a token of another role:');
  say('  npm run token -- --role PLATFORM_ADMIN');
  say('  npm run token -- --role BRAND_ADMIN --brand brand-lng --scopes stores:admin,catalog:admin');
  say('  npm run token -- --role FRANCHISEE --brand brand-lng --franchisee fr-lng-a');
  say('  npm run token -- --role GUIDE --brand brand-lng --store store-lng-01 --guide gd-lng-01-1');
  say(`try: curl -s localhost:${gatewayPort}/graphql -H 'content-type: application/json' -d '{"query":"{ stores(first: 3) { edges { node { name address { city } } } } }"}'`);
  say('Ctrl-C stops everything.');
}

main().catch(async (e) => {
  say(`failed: ${(e as Error).message}`);
  await shutdown(1);
});
