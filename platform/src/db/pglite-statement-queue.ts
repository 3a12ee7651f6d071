/** What the queue needs of PGlite. */
export interface PGliteSession {
  isInTransaction(): boolean;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<void>;
  exec(sql: string): Promise<unknown>;
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (e: unknown) => void;
}

// Extended-protocol messages that leave a statement open until the connection's Sync ('S').
const OPENS_STATEMENT = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
const SYNC = 'S'.charCodeAt(0);

/**
 * Replaces pglite-socket's query queue. Every socket shares PGlite's one session, and the stock
 * queue interleaves connections message by message outside a transaction: connection A's Parse
 * could land between B's Parse and Bind, overwriting B's unnamed statement ("unnamed prepared
 * statement does not exist", or a client waiting forever). This queue serves one connection at a
 * time from its first extended-protocol message to its Sync, and for the whole of a transaction.
 */
export class StatementQueue {
  private queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection that owns the session: mid-statement, or inside its transaction. */
  private owner: number | null = null;
  private midStatement = false;

  private idleTimer: NodeJS.Timeout | null = null;
  /** The connection whose message PGlite is executing right now (a long statement is not idleness). */
  private running: number | null = null;

  /**
   * `txIdleMs`/`cut`: a connection that keeps the session inside a transaction without sending anything
   * for txIdleMs holds every other service hostage (one shared session); it is cut like PostgreSQL's
   * idle_in_transaction_session_timeout would: its socket is closed, which rolls its transaction back.
   */
  constructor(
    private readonly db: PGliteSession,
    private readonly idle: { txIdleMs: number; cut: (handlerId: number) => void } | null = null,
  ) {}

  /** Restarts the idle clock of the connection holding a transaction; stops it when none does. */
  private watchIdleTransaction(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.idle || this.owner === null || !this.db.isInTransaction()) return;
    const owner = this.owner;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.owner !== owner || !this.db.isInTransaction()) return;
      if (this.running === owner) return this.watchIdleTransaction();
      this.idle!.cut(owner);
      void this.clearTransactionIfNeeded(owner);
    }, this.idle.txIdleMs);
    this.idleTimer.unref();
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      if (!this.processing) void this.processQueue();
    });
  }

  private next(): QueuedMessage | undefined {
    const sticky = this.midStatement || this.db.isInTransaction() ? this.owner : null;
    if (sticky === null) return this.queue.shift();
    const i = this.queue.findIndex((q) => q.handlerId === sticky);
    return i === -1 ? undefined : this.queue.splice(i, 1)[0];
  }

  async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        const type = item.message[0] ?? 0;
        let bytes = 0;
        this.running = item.handlerId;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item!.message, {
              onRawData: (d: Uint8Array) => {
                bytes += d.length;
                item!.onData(d);
              },
            }),
          );
        } catch (e) {
          item.reject(e);
          continue;
        } finally {
          this.running = null;
        }
        this.owner = item.handlerId;
        if (OPENS_STATEMENT.has(type)) this.midStatement = true;
        else if (type === SYNC) this.midStatement = false;
        item.resolve(bytes);
        this.watchIdleTransaction();
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('Handler disconnected'));
      return false;
    });
    if (this.owner === handlerId) this.midStatement = false;
  }

  /** A connection that dies inside its transaction is rolled back, and the others go on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    this.midStatement = false;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    this.watchIdleTransaction();
    await this.processQueue();
  }
}
