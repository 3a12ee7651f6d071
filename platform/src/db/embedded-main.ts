// Serves the embedded database in a process of its own: `node --import tsx embedded-main.ts <dataDir> <port> [txIdleMs]`.
// Tests use it (PGlite loads modules with dynamic import(), which jest's sandbox refuses). Prints
// "ready <port>"; stops on SIGTERM or when the parent closes stdin, so a killed parent leaves nothing behind.
import { startEmbeddedPostgres } from './embedded';

async function main(): Promise<void> {
  const [dataDir, portText, txIdleText] = process.argv.slice(2);
  if (!dataDir || !portText) throw new Error('usage: embedded-main.ts <dataDir> <port> [txIdleMs]');
  const server = await startEmbeddedPostgres({ dataDir, port: Number(portText), ...(txIdleText ? { txIdleMs: Number(txIdleText) } : {}) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  process.stdout.write(`ready ${server.port}\n`);
}

main().catch((e) => {
  process.stderr.write(`embedded database failed: ${(e as Error).message}\n`);
  process.exit(1);
});
