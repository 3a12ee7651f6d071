import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { StatementQueue } from './pglite-statement-queue';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export function embeddedUrl(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/**
 * Starts one PGlite database (files under dataDir/pglite) behind pglite-socket on 127.0.0.1:port.
 * Every service then connects with the ordinary pg Pool. One PGlite = one shared session:
 * no session SET, no named prepared statements, no outbound calls inside a transaction.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number }): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = path.resolve(opts.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  // pglite-socket serves many sockets over the one session; maxConnections bounds the queue.
  const server = new PGLiteSocketServer({ db, port: opts.port, host: '127.0.0.1', maxConnections: 100 });
  // Statement-atomic scheduling across connections (see StatementQueue); handlers take the queue when they attach.
  (server as unknown as { queryQueue: StatementQueue }).queryQueue = new StatementQueue(db);
  await server.start();
  return {
    url: embeddedUrl(opts.port),
    port: opts.port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * The URL a service should use: DATABASE_URL when set; else the embedded database already served
 * on the port (started by `npm start`); else start it in this process (a subgraph run alone).
 */
export async function resolveDatabaseUrl(cfg: { DATABASE_URL?: string | undefined; DATA_DIR: string; EMBEDDED_PG_PORT: number }): Promise<{ url: string; embedded: boolean; server?: EmbeddedPostgres }> {
  if (cfg.DATABASE_URL) return { url: cfg.DATABASE_URL, embedded: false };
  if (await portAnswers(cfg.EMBEDDED_PG_PORT)) return { url: embeddedUrl(cfg.EMBEDDED_PG_PORT), embedded: true };
  const server = await startEmbeddedPostgres({ dataDir: cfg.DATA_DIR, port: cfg.EMBEDDED_PG_PORT });
  return { url: server.url, embedded: true, server };
}
