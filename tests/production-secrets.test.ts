// With NODE_ENV=production and no secrets (or the development ones), every service refuses to start with
// one line starting with `config:` and exit code 1, before it opens a port or a database.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { DEV_INTERNAL_SECRET, DEV_JWT_SECRET, parseConfig, secretKeys } from '@retail/platform';
import { SUBGRAPHS } from '@retail/graph';

const ROOT = path.resolve(__dirname, '..');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry under tsx with only the given environment (plus PATH). */
function run(entry: string, env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry],
      // a bogus database and port 0 (npm start: its own GATEWAY_PORT): should a service start anyway, it fails or
      // times out instead of touching anything
      { cwd: ROOT, timeout: 30_000, env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent', ...(entry.startsWith('graph/') ? {} : { PORT: '0' }), ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const entries: [string, string][] = [
  ['gateway', 'gateway/src/main.ts'],
  ...SUBGRAPHS.map((s): [string, string] => [`subgraph ${s.name}`, path.relative(ROOT, path.join(s.dir, 'src/main.ts'))]),
  ['npm start', 'graph/src/start.ts'],
];

// Each case is a process of its own that exits at once: run them side by side.
describe.each(entries)('%s with NODE_ENV=production', (name, entry) => {
  it.concurrent('refuses to start without INTERNAL_SECRET', async () => {
    const r = await run(entry, { NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toMatch(/^config: INTERNAL_SECRET: required in production \(make one with: openssl rand -hex 32\)/);
    expect(r.stderr.trimEnd()).not.toContain('\n');
    if (name === 'gateway') expect(r.stderr).toContain('JWT_SECRET: required in production unless JWT_JWKS_URL is set');
  });

  it.concurrent('refuses the development secrets', async () => {
    const r = await run(entry, { NODE_ENV: 'production', INTERNAL_SECRET: DEV_INTERNAL_SECRET, JWT_SECRET: DEV_JWT_SECRET });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toMatch(/^config: INTERNAL_SECRET: a development default is refused in production/);
    expect(r.stderr.trimEnd()).not.toContain('\n');
    expect(r.stderr).not.toContain(DEV_INTERNAL_SECRET);
    if (name === 'gateway') expect(r.stderr).toContain('JWT_SECRET: a development default is refused in production');
  });
});

test('the gateway refuses a short JWT_SECRET in production', async () => {
  const r = await run('gateway/src/main.ts', { NODE_ENV: 'production', INTERNAL_SECRET: 'f3a9c1d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', JWT_SECRET: 'only-twenty-bytes-xx' });
  expect(r.code).toBe(1);
  expect(r.stderr.trimEnd()).toBe('config: JWT_SECRET: must be at least 32 bytes in production, got 20 bytes (make one with: openssl rand -hex 32)');
});

// A subgraph's own secret settings (members' MEMBER_DATA_KEY) follow the same rule, in its process and in npm start.
const ownSecrets = SUBGRAPHS.flatMap((s) => secretKeys(s.settings).map((key): [string, string, string] => [s.name, key, path.relative(ROOT, path.join(s.dir, 'src/main.ts'))]));
const GOOD_SECRET = 'f3a9c1d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

test('some subgraph has a secret setting of its own (members: MEMBER_DATA_KEY)', () => {
  expect(ownSecrets.map(([name, key]) => `${name}:${key}`)).toContain('members:MEMBER_DATA_KEY');
});

/** Every subgraph's own secrets set well, so that each case below is about its one key (npm start reads them all). */
const allOwnSecrets = Object.fromEntries(SUBGRAPHS.flatMap((s) => secretKeys(s.settings)).map((key) => [key, GOOD_SECRET]));
/** An optional secret (optionalSecretSetting: no default) may be missing; given, it follows the rule. */
const isOptional = (name: string, key: string) => (parseConfig(SUBGRAPHS.find((s) => s.name === name)!.settings, {}) as Record<string, unknown>)[key] === undefined;

describe.each(ownSecrets)('subgraph %s with NODE_ENV=production', (name, key, entry) => {
  it.concurrent.each<[string, Record<string, string>, string]>([
    ...(isOptional(name, key) ? [] : [[`${key} missing`, {}, `config: ${key}: required in production (make one with: openssl rand -hex 32)`] as [string, Record<string, string>, string]]),
    [`${key} a development default`, { [key]: 'dev-some-key-change-me-0123456789abcdef' }, `config: ${key}: a development default is refused in production (make one with: openssl rand -hex 32)`],
    [`${key} short`, { [key]: 'only-twenty-bytes-xx' }, `config: ${key}: must be at least 32 bytes in production, got 20 bytes (make one with: openssl rand -hex 32)`],
  ])('refuses to start with %s, in one line that never shows the value', async (_case, env, line) => {
    const { [key]: _left, ...others } = allOwnSecrets;
    const targets = [entry, 'graph/src/start.ts'];
    const exits = await Promise.all(targets.map((target) => run(target, { NODE_ENV: 'production', INTERNAL_SECRET: GOOD_SECRET, JWT_SECRET: GOOD_SECRET, ...others, ...env })));
    exits.forEach((r, i) => {
      expect([targets[i], r.code, r.stderr.trimEnd()]).toEqual([targets[i], 1, line]);
      if (env[key]) expect(r.stderr).not.toContain(env[key]);
    });
  });
});
