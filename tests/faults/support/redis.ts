// A Redis server of the fault test's own (the machine's Redis is shared by every other test): started on a
// free port, stopped and started again at will. It keeps nothing on disk, so a restart comes back empty, as
// many deployments (and this machine's) do.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitUntil } from './ports';

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: no goodbye to clients). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** kill() then start(). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitUntil(async () => (await ping(port)) === true, 10_000, `redis-server on ${port}`);
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}

async function ping(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let buf = '';
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('PONG')) {
        s.destroy();
        resolve(true);
      }
    });
    s.on('error', () => resolve(false));
  });
}
