// The embedded database accepts only this project's processes (a Unix socket in a 0700 directory, no TCP),
// and a client that sits idle inside a transaction cannot hold the one shared session hostage.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { embeddedSocket, socketAnswers } from '../src/db/embedded';
import { createTestEmbedded, type TestEmbedded } from '../src/testing';

const PORT = 40000 + Math.floor(Math.random() * 10000);
const IDLE_MS = 1500;
let e: TestEmbedded;

beforeAll(async () => {
  e = await createTestEmbedded('access', PORT, { txIdleMs: IDLE_MS });
}, 60_000);
afterAll(async () => {
  await e?.drop();
});

test('serves on a Unix socket only this user may reach, not on TCP', async () => {
  const socket = embeddedSocket(e.dataDir, PORT);
  expect(await socketAnswers(socket.path)).toBe(true);
  expect(await socketAnswers(PORT)).toBe(false);
  expect(fs.statSync(socket.dir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(socket.path).mode & 0o777).toBe(0o600);
  expect((await e.db.query<{ one: number }>('SELECT 1 AS one'))[0]?.one).toBe(1);
});

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
(asRoot ? test : test.skip)('refuses another user of the machine (run as root: tried as nobody)', () => {
  const socket = embeddedSocket(e.dataDir, PORT);
  // The temp dir above the socket dir is 0700 too (mkdtemp); open the parents so only the socket dir guards.
  fs.chmodSync(e.dataDir, 0o755);
  const script = `require('net').connect({ path: ${JSON.stringify(socket.path)} }).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (err) => { console.log(err.code); process.exit(0); })`;
  const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], { encoding: 'utf8' }).trim();
  expect(out).toBe('EACCES');
});

test('a connection idle inside its transaction is cut, rolled back, and the others go on', async () => {
  const hog = new pg.Client({ connectionString: e.url });
  await hog.connect();
  hog.on('error', () => undefined);
  await hog.query('CREATE TABLE IF NOT EXISTS public.hostage (n int)');
  await hog.query('BEGIN');
  await hog.query('INSERT INTO public.hostage VALUES (1)');
  const started = Date.now();
  // Waits behind the open transaction until the idle client is cut.
  const other = await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.hostage');
  expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 200);
  expect(Date.now() - started).toBeLessThan(IDLE_MS + 5000);
  expect(other[0]?.n).toBe(0);
  await expect(hog.query('COMMIT')).rejects.toThrow();
  await hog.end().catch(() => undefined);
  expect((await e.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.hostage'))[0]?.n).toBe(0);
}, 30_000);
