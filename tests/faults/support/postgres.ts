// A PostgreSQL 15 cluster of the fault test's own, so it can be restarted without disturbing the machine's
// (every other test uses that one). initdb refuses root, so the cluster runs as the postgres user.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

const BIN = fs.existsSync('/usr/lib/postgresql/15/bin') ? '/usr/lib/postgresql/15/bin' : path.dirname(execFileSync('which', ['pg_ctl'], { encoding: 'utf8' }).trim());

export interface TestPostgres {
  url: string;
  port: number;
  /** pg_ctl restart -m fast: every connection is cut, the data stays. */
  restart(): void;
  stop(): void;
}

function asPostgres(cmd: string, args: string[]): string {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args], { encoding: 'utf8' }) : execFileSync(path.join(BIN, cmd), args, { encoding: 'utf8' });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-pg-'));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: () => void asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-m', 'fast', '-w', 'restart']),
    stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
