import { storeFence, type StoreTable } from './auth/fences';
import type { Scope } from './auth/scope';
import type { Queryable, Transaction } from './db/database';
import { assertSchemaName } from './events/outbox';
import type { ConsumedTopic } from './events/service-events';
import { SqlParams } from './db/sql';
import type { Peers } from './peers';

/** A store's brand and operator as the stores subgraph knows them now, with the time of its last change. */
export interface StoreOperator {
  storeId: string;
  brandId: string;
  franchiseeId: string;
  /** ISO 8601: orders this answer against stores.store.changed events (an older one never overwrites it). */
  updatedAt: string;
}

/**
 * Who operates a store now, asked of the stores subgraph (internal Query.storeOperators, SERVICE viewer).
 * A subgraph that fences by operator through its own store directory (fed by stores.store.changed) asks
 * before an operator's write and records the answer, so a store handed to another operator is out of the old
 * operator's reach as soon as the handover returns, whatever the event delay (docs/architecture.md §4).
 * Null when stores does not know the store. Never call it inside a transaction.
 */
export async function currentStoreOperator(peers: Peers, storeId: string): Promise<StoreOperator | null> {
  const data = await peers.query<{ storeOperators: StoreOperator[] }>(
    'stores',
    'query StoreOperators($ids: [ID!]!) { storeOperators(ids: $ids) { storeId brandId franchiseeId updatedAt } }',
    { ids: [storeId] },
  );
  return data.storeOperators.find((s) => s.storeId === storeId) ?? null;
}

/**
 * Before a write fenced by the store's operator: the current operator when the caller acts as one (FRANCHISEE
 * scope), else null — a handover changes nobody else's reach (brand admins keep the brand, staff their store).
 */
export function operatorBeforeWrite(ctx: { scope: Scope; peers: Peers }, storeId: string): Promise<StoreOperator | null> {
  return ctx.scope.kind === 'franchisee' ? currentStoreOperator(ctx.peers, storeId) : Promise.resolve(null);
}

// ---------------------------------------------------------------------------------------------
// A subgraph's copy of the stores (docs/architecture.md §6): `<schema>.store_directory` (store → brand, operating
// franchisee), fed by stores.store.changed and by operatorBeforeWrite's answers. Its migration creates the table:
//   CREATE TABLE <schema>.store_directory (store_id text PRIMARY KEY, brand_id text NOT NULL, franchisee_id text,
//     updated_at timestamptz NOT NULL DEFAULT now());
//   CREATE INDEX store_directory_franchisee ON <schema>.store_directory (franchisee_id);

/** A store as another subgraph knows it: a copy of the stores subgraph's facts, for fencing. */
export interface StoreEntry {
  storeId: string;
  brandId: string;
  franchiseeId: string | null;
  /** OPEN or CLOSED, in a directory that keeps it (keepsStatus); null when unknown. */
  status?: string | null;
}

/** A store with whether the caller's scope reaches it (platform, its brand, its operator, its staff and guides). */
export interface StoreInScope extends StoreEntry {
  inScope: boolean;
}

/** The topic a store directory is fed by. */
export const STORE_CHANGED_TOPIC = 'stores.store.changed';

/** The part of a 'stores.store.changed' payload a store directory needs (other fields are ignored). */
export interface StoreChangedPayload {
  id: string;
  brandId: string;
  franchiseeId: string | null;
  /** ISO 8601; when present, an older update never overwrites a newer one. */
  updatedAt?: string | null;
  [other: string]: unknown;
}

/** One subgraph's store directory: the table the shared store fences check its rows against. */
export class StoreDirectory {
  /** The directory as the shared fences (auth/fences.ts) see it. */
  readonly table: StoreTable;
  /** The consumer that keeps it current: stores.store.changed, applied with the event's dedupe row. */
  readonly consumer: ConsumedTopic;

  /** Whether the table has a `status` column (a subgraph that refuses work at CLOSED stores keeps it). */
  private readonly keepsStatus: boolean;

  constructor(schema: string, opts: { keepsStatus?: boolean } = {}) {
    this.keepsStatus = opts.keepsStatus ?? false;
    this.table = { table: `${assertSchemaName(schema)}.store_directory`, id: 'store_id', brand: 'brand_id', franchisee: 'franchisee_id' };
    this.consumer = { topic: STORE_CHANGED_TOPIC, apply: (tx, e) => this.applyStoreChanged(tx, e.payload as StoreChangedPayload) };
  }

  /**
   * A store with whether the scope reaches it; null when the directory has never heard of it. With `live` (what
   * stores said just now, operatorBeforeWrite) the fence is checked against that instead of the directory, which
   * may lag behind a handover.
   */
  async withFence(q: Queryable, scope: Scope, storeId: string, live: StoreEntry | null = null): Promise<StoreInScope | null> {
    const p = new SqlParams();
    const from = live
      ? `(VALUES (${p.add(live.storeId)}::text, ${p.add(live.brandId)}::text, ${p.add(live.franchiseeId)}::text)) AS d(store_id, brand_id, franchisee_id)`
      : `${this.table.table} d`;
    // The live answer names the operator, not the status: that still comes from the directory.
    const status = !this.keepsStatus ? '' : live ? `, (SELECT s.status FROM ${this.table.table} s WHERE s.store_id = d.store_id) AS status` : ', d.status';
    const rows = await q.query<StoreInScope>(
      `SELECT d.store_id AS "storeId", d.brand_id AS "brandId", d.franchisee_id AS "franchiseeId", ${storeFence(scope, p, this.table, 'd')} AS "inScope"${status}
       FROM ${from} WHERE d.store_id = ${p.add(storeId)}`,
      p.values,
    );
    return rows[0] ?? null;
  }

  /** The stores of `storeIds` the directory knows, each with whether the scope reaches it (one statement). */
  async inScope(q: Queryable, scope: Scope, storeIds: readonly string[]): Promise<StoreInScope[]> {
    const p = new SqlParams();
    return q.query<StoreInScope>(
      `SELECT d.store_id AS "storeId", d.brand_id AS "brandId", d.franchisee_id AS "franchiseeId", ${storeFence(scope, p, this.table, 'd')} AS "inScope"
       FROM ${this.table.table} d WHERE d.store_id = ANY(${p.add(storeIds)}::text[])`,
      p.values,
    );
  }

  /**
   * operatorBeforeWrite, its answer recorded here at once on its own (not in the write's transaction), so the
   * directory learns of a handover even when the write is then refused. Pass the answer to withFence as `live`.
   */
  async operatorBeforeWrite(ctx: { scope: Scope; peers: Peers; db: Queryable }, storeId: string): Promise<StoreOperator | null> {
    const operator = await operatorBeforeWrite(ctx, storeId);
    if (operator) await this.upsert(ctx.db, operator, operator.updatedAt);
    return operator;
  }

  /**
   * Records a store's brand and operator. With `updatedAt` an older update never overwrites a newer one (events
   * may arrive out of order); without it the update always applies. Unfenced: written by the stores.store.changed
   * consumer and by an operator's write with the operator stores named just before (operatorBeforeWrite), both
   * facts of the stores subgraph.
   */
  async upsert(q: Queryable, entry: StoreEntry, updatedAt: string | null): Promise<void> {
    // With a status column, an entry without a status (an operator named by stores just now) keeps the one it has.
    const status = this.keepsStatus ? { column: ', status', value: ', $5', update: ', status = COALESCE(EXCLUDED.status, d.status)' } : { column: '', value: '', update: '' };
    const params = [entry.storeId, entry.brandId, entry.franchiseeId, updatedAt];
    if (this.keepsStatus) params.push(entry.status ?? null);
    await q.query(
      `INSERT INTO ${this.table.table} AS d (store_id, brand_id, franchisee_id, updated_at${status.column})
       VALUES ($1, $2, $3, COALESCE($4::timestamptz, now())${status.value})
       ON CONFLICT (store_id) DO UPDATE SET brand_id = EXCLUDED.brand_id, franchisee_id = EXCLUDED.franchisee_id, updated_at = EXCLUDED.updated_at${status.update}
       WHERE $4::timestamptz IS NULL OR d.updated_at <= EXCLUDED.updated_at`,
      params,
    );
  }

  /**
   * Applies a stores.store.changed event inside the consumer's transaction, together with its dedupe row, so a
   * redelivery is a no-op (docs/architecture.md §6).
   */
  async applyStoreChanged(tx: Transaction, payload: StoreChangedPayload): Promise<void> {
    if (!payload.id || !payload.brandId) throw new Error(`${STORE_CHANGED_TOPIC} payload needs id and brandId`);
    const updatedAt = payload.updatedAt && !Number.isNaN(Date.parse(payload.updatedAt)) ? payload.updatedAt : null;
    const status = typeof payload.status === 'string' ? payload.status : null;
    await this.upsert(tx, { storeId: payload.id, brandId: payload.brandId, franchiseeId: payload.franchiseeId ?? null, status }, updatedAt);
  }

  /**
   * Demo data: the stores given, as of `asOf` (so any real event about them is newer), in one statement. Stores
   * already in the directory are left as they are.
   */
  async seed(q: Queryable, stores: readonly StoreEntry[], asOf: string): Promise<void> {
    const status = this.keepsStatus ? { column: ', status', value: ', x.status', record: ', status text' } : { column: '', value: '', record: '' };
    await q.query(
      `INSERT INTO ${this.table.table} (store_id, brand_id, franchisee_id, updated_at${status.column})
       SELECT x."storeId", x."brandId", x."franchiseeId", $2::timestamptz${status.value}
       FROM jsonb_to_recordset($1::jsonb) AS x("storeId" text, "brandId" text, "franchiseeId" text${status.record})
       ON CONFLICT (store_id) DO NOTHING`,
      [JSON.stringify(stores), asOf],
    );
  }
}
