// The whole graph as production runs it: every subgraph and the gateway a process of its own (TypeScript
// sources under tsx), on a database and a Redis the fault test controls. Each process's output is kept,
// so a test can read its log lines; each can be signalled, killed and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { prepareDatabase, SUBGRAPHS } from '@retail/graph';
import { Database, secretKeys, signDevToken, subgraphPaths, type Role, type Viewer } from '@retail/platform';
import { freePort, waitUntil } from './ports';

const ROOT = path.resolve(__dirname, '../../..');

export interface ServiceProcess {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  /** Everything it printed so far (JSON log lines). */
  output: string;
}

/** Whether the process is still running (its 'exit' event may not have been seen yet). */
export function alive(proc: ChildProcess): boolean {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return false;
  try {
    process.kill(proc.pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface GraphProcesses {
  gatewayUrl: string;
  services: Record<string, ServiceProcess>;
  jwtSecret: string;
  token(v: Partial<Viewer> & { role: Role }): Promise<string>;
  /** Sends a signal and resolves when the process has exited (with its exit code). */
  signal(name: string, sig: NodeJS.Signals): Promise<number | null>;
  /** Starts a stopped service again, on the same port, and waits until it answers /healthz. */
  start(name: string): Promise<void>;
  /** Log lines (parsed JSON) a service printed, optionally only those with `msg` matching. */
  logLines(name: string, msg?: RegExp): Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface GraphProcessOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  seed?: boolean;
}

export async function startGraphProcesses(opts: GraphProcessOptions): Promise<GraphProcesses> {
  // Production secrets of the subgraphs' own (members' MEMBER_DATA_KEY): the seed below encrypts with the same ones.
  const ownSecrets = Object.fromEntries(SUBGRAPHS.flatMap((s) => secretKeys(s.settings)).map((key) => [key, crypto.randomBytes(32).toString('hex')]));
  if (opts.seed !== false) {
    const db = new Database({ url: opts.databaseUrl, service: 'faults-setup', max: 2 });
    try {
      await prepareDatabase(db, { seed: 'always', env: { ...process.env, ...ownSecrets } });
    } finally {
      await db.close();
    }
  }
  const jwtSecret = crypto.randomBytes(32).toString('hex');
  const ports: Record<string, number> = { gateway: await freePort() };
  for (const s of SUBGRAPHS) ports[s.name] = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: opts.databaseUrl,
    INTERNAL_SECRET: crypto.randomBytes(32).toString('hex'),
    JWT_SECRET: jwtSecret,
    RATE_LIMIT_PER_MINUTE: '1000000',
    EVENT_STREAM_PREFIX: `faults-${crypto.randomBytes(4).toString('hex')}:`,
    METRICS_PORT: '',
    ...ownSecrets,
    ...opts.env,
  };
  if (opts.redisUrl) env.REDIS_URL = opts.redisUrl;
  else delete env.REDIS_URL;
  for (const s of SUBGRAPHS) env[`SUBGRAPH_URL_${s.name.toUpperCase()}`] = `http://127.0.0.1:${ports[s.name]}/graphql`;
  const entries: Record<string, string> = { gateway: path.join(ROOT, 'gateway/src/main.ts') };
  for (const s of SUBGRAPHS) entries[s.name] = subgraphPaths(s).main.source;

  const services: Record<string, ServiceProcess> = {};
  const launch = async (name: string) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', entries[name]!], { cwd: ROOT, env: { ...env, PORT: String(ports[name]) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const service: ServiceProcess = { name, port: ports[name]!, url: `http://127.0.0.1:${ports[name]}`, proc, output: services[name]?.output ?? '' };
    proc.stdout!.on('data', (d: Buffer) => (service.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (service.output += d.toString()));
    services[name] = service;
    await waitUntil(
      async () => {
        if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}):\n${service.output}`);
        try {
          return (await fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(500) })).ok;
        } catch {
          return false;
        }
      },
      60_000,
      `${name} on ${ports[name]}`,
    );
  };
  try {
    // The subgraphs side by side (each only needs the database), then the gateway, which calls them.
    const launched = await Promise.allSettled(SUBGRAPHS.map((s) => launch(s.name)));
    const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await launch('gateway');
  } catch (e) {
    for (const s of Object.values(services)) s.proc.kill('SIGKILL');
    throw e;
  }
  const signal = (name: string, sig: NodeJS.Signals) =>
    new Promise<number | null>((resolve) => {
      const { proc } = services[name]!;
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
      proc.once('exit', (code) => resolve(code));
      proc.kill(sig);
    });
  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    services,
    jwtSecret,
    token: (v) => signDevToken(v, { secret: jwtSecret }),
    signal,
    start: launch,
    logLines(name, msg) {
      return (services[name]?.output ?? '')
        .split('\n')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        })
        .filter((l) => !msg || msg.test(String(l.msg ?? '')));
    },
    async stop() {
      await Promise.all(Object.keys(services).map((n) => signal(n, 'SIGKILL')));
    },
  };
}
