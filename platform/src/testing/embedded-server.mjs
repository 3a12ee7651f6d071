// Serves one PGlite database over the Postgres wire protocol for a test, in its own process:
// PGlite loads node modules with dynamic import(), which jest's module sandbox refuses.
// Usage: node embedded-server.mjs <dataDir> <port>. Prints "ready <port>" once it accepts connections;
// stops on SIGTERM or when the parent closes stdin (so a killed test run leaves no server behind).
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const [dataDir, portText] = process.argv.slice(2);
const db = await PGlite.create(dataDir);
const server = new PGLiteSocketServer({ db, port: Number(portText), host: '127.0.0.1', maxConnections: 100 });
await server.start();

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
process.stdout.write(`ready ${portText}\n`);
