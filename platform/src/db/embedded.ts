import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { StatementQueue } from './pglite-statement-queue';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Where the embedded database listens: a Unix socket `.s.PGSQL.<port>` (the name libpq and pg derive
 * from host + port) in `<dataDir>/run`, a directory only this user may enter (0700). There is no TCP
 * listener: another user of the machine cannot connect, and nothing on the network can.
 */
export function embeddedSocket(dataDir: string, port: number): { dir: string; path: string } {
  const dir = path.resolve(dataDir, 'run');
  return { dir, path: path.join(dir, `.s.PGSQL.${port}`) };
}

/** True when something accepts connections on the socket (or TCP port, with a number). */
export function socketAnswers(where: string | number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = typeof where === 'number' ? net.connect({ host: '127.0.0.1', port: where }) : net.connect({ path: where });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export function embeddedUrl(dataDir: string, port: number): string {
  return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(embeddedSocket(dataDir, port).dir)}&port=${port}`;
}

/** How long a connection may sit idle inside a transaction before it is cut (see StatementQueue). */
export const EMBEDDED_TX_IDLE_MS = 10_000;

/**
 * Starts one PGlite database (files under dataDir/pglite) behind pglite-socket on 127.0.0.1:port.
 * Every service then connects with the ordinary pg Pool. One PGlite = one shared session:
 * no session SET, no named prepared statements, no outbound calls inside a transaction.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; txIdleMs?: number }): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = path.resolve(opts.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  const socket = embeddedSocket(opts.dataDir, opts.port);
  fs.mkdirSync(socket.dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(socket.dir, 0o700);
  if (fs.existsSync(socket.path)) {
    if (await socketAnswers(socket.path)) throw new Error(`the embedded database at ${socket.path} is already served by another process`);
    fs.rmSync(socket.path); // left by a process that was killed
  }
  const db = await PGlite.create(dir);
  // pglite-socket serves many sockets over the one session; maxConnections bounds the queue.
  const server = new PGLiteSocketServer({ db, path: socket.path, maxConnections: 100 });
  // Statement-atomic scheduling across connections (see StatementQueue), which also cuts a connection that
  // holds the one shared session idle inside a transaction; handlers take the queue when they attach.
  const handlers = (server as unknown as { handlers: Set<{ id: number; detach(close?: boolean): unknown }> }).handlers;
  const queue = new StatementQueue(db, {
    txIdleMs: opts.txIdleMs ?? EMBEDDED_TX_IDLE_MS,
    cut: (handlerId) => [...handlers].find((h) => h.id === handlerId)?.detach(true),
  });
  (server as unknown as { queryQueue: StatementQueue }).queryQueue = queue;
  await server.start();
  fs.chmodSync(socket.path, 0o600);
  return {
    url: embeddedUrl(opts.dataDir, opts.port),
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
  if (await socketAnswers(embeddedSocket(cfg.DATA_DIR, cfg.EMBEDDED_PG_PORT).path)) return { url: embeddedUrl(cfg.DATA_DIR, cfg.EMBEDDED_PG_PORT), embedded: true };
  const server = await startEmbeddedPostgres({ dataDir: cfg.DATA_DIR, port: cfg.EMBEDDED_PG_PORT });
  return { url: server.url, embedded: true, server };
}
