import type { Queryable, Transaction } from './db/database';
import { SqlParams } from './db/sql';
import { assertSchemaName } from './events/outbox';
import type { ConsumedTopic } from './events/service-events';
import { isoOrNull, textOrNull } from './payload-fields';

// ---------------------------------------------------------------------------------------------
// A subgraph's copy of the guides (docs/architecture.md §6): `<schema>.guide_directory` (guide → brand, store, status,
// and the optional facts the subgraph keeps), fed by stores.guide.changed. Its migration creates the table:
//   CREATE TABLE <schema>.guide_directory (guide_id text PRIMARY KEY, brand_id text NOT NULL, store_id text NOT NULL,
//     status text NOT NULL CHECK (status IN ('ACTIVE', 'LEFT')), updated_at timestamptz NOT NULL DEFAULT now());
// with a column for each optional fact kept (GUIDE_EXTRA_COLUMNS: wecom_user_id text, left_at timestamptz).

/** The topic a guide directory is fed by. */
export const GUIDE_CHANGED_TOPIC = 'stores.guide.changed';

/** A guide as another subgraph knows it: a copy of the stores subgraph's facts. */
export interface GuideEntry {
  guideId: string;
  brandId: string;
  storeId: string;
  /** LEFT is final: stores has no way back, so no event makes a guide who left ACTIVE again. */
  status: 'ACTIVE' | 'LEFT';
}

/** The optional facts of a guide a directory may keep, as its lookups return them. */
export interface GuideExtras {
  /** The guide's WeCom userid (企业微信成员), which its customers' transfers are sent with; null when none. */
  wecomUserId: string | null;
  /** When the guide left (the first time a LEFT event said so); null while ACTIVE or when never told. */
  leftAt: Date | null;
}

export type GuideExtra = keyof GuideExtras;

/** The column and SQL type each optional fact is kept in. */
export const GUIDE_EXTRA_COLUMNS: Readonly<Record<GuideExtra, { column: string; type: string }>> = {
  wecomUserId: { column: 'wecom_user_id', type: 'text' },
  leftAt: { column: 'left_at', type: 'timestamptz' },
};

/** A guide as a directory keeping the facts `K` returns it. */
export type GuideRow<K extends GuideExtra> = GuideEntry & Pick<GuideExtras, K>;

/** A guide's state as stores.guide.changed states it; facts the directory does not keep are ignored. */
export interface GuideChange extends GuideEntry {
  wecomUserId?: string | null;
  /** ISO 8601; kept only with status LEFT. */
  leftAt?: string | null;
  /** ISO 8601, stores' time of the change; when present, an older change never overwrites a newer one. */
  updatedAt?: string | null;
}

/** A guide for demo data (no updatedAt: the seed's `asOf` stands for it). */
export type GuideSeed = Omit<GuideChange, 'updatedAt'>;

/**
 * The change a stores.guide.changed payload states (the guide's whole state; fields not needed are ignored). Throws
 * when it lacks id, brandId, storeId or a status ACTIVE or LEFT, so the event is redelivered and reported.
 */
export function guideChangeOf(payload: unknown): GuideChange {
  const p = (payload ?? {}) as Record<string, unknown>;
  if (!textOrNull(p.id) || !textOrNull(p.brandId) || !textOrNull(p.storeId) || (p.status !== 'ACTIVE' && p.status !== 'LEFT')) {
    throw new Error(`${GUIDE_CHANGED_TOPIC} payload needs id, brandId, storeId and status ACTIVE or LEFT`);
  }
  return {
    guideId: p.id as string,
    brandId: p.brandId as string,
    storeId: p.storeId as string,
    status: p.status,
    wecomUserId: textOrNull(p.wecomUserId),
    leftAt: isoOrNull(p.leftAt),
    updatedAt: isoOrNull(p.updatedAt),
  };
}

/**
 * One subgraph's guide directory. `keeps` names the optional facts its table has a column for (its migrations
 * decide); lookups return those, writes ignore the others.
 */
export class GuideDirectory<K extends GuideExtra = never> {
  /** The schema-qualified table, for a subgraph's own joins (fences, counts). */
  readonly table: string;
  /** The consumer that keeps it current: stores.guide.changed, applied with the event's dedupe row. */
  readonly consumer: ConsumedTopic;
  private readonly extras: readonly K[];
  private readonly columns: string;

  constructor(schema: string, opts: { keeps?: readonly K[] } = {}) {
    this.table = `${assertSchemaName(schema)}.guide_directory`;
    this.extras = [...new Set(opts.keeps ?? [])];
    this.columns = [
      'g.guide_id AS "guideId"',
      'g.brand_id AS "brandId"',
      'g.store_id AS "storeId"',
      'g.status',
      ...this.extras.map((k) => `g.${GUIDE_EXTRA_COLUMNS[k].column} AS "${k}"`),
    ].join(', ');
    this.consumer = { topic: GUIDE_CHANGED_TOPIC, apply: (tx, e) => this.applyGuideChanged(tx, e.payload) };
  }

  /** The guides among `guideIds` the directory knows (unknown ones are absent), in one statement. Unfenced. */
  byIds(q: Queryable, guideIds: readonly string[]): Promise<GuideRow<K>[]> {
    return q.query<GuideRow<K>>(`SELECT ${this.columns} FROM ${this.table} g WHERE g.guide_id = ANY($1::text[])`, [guideIds]);
  }

  /** A guide as the directory knows it; null when unknown. Unfenced. */
  async byId(q: Queryable, guideId: string): Promise<GuideRow<K> | null> {
    return (await this.byIds(q, [guideId]))[0] ?? null;
  }

  /** The ACTIVE guides of a store, by id. Unfenced: the caller has checked the store against its scope. */
  activeOfStore(q: Queryable, storeId: string): Promise<GuideRow<K>[]> {
    return q.query<GuideRow<K>>(`SELECT ${this.columns} FROM ${this.table} g WHERE g.store_id = $1 AND g.status = 'ACTIVE' ORDER BY g.guide_id`, [storeId]);
  }

  /**
   * Records a guide's state. The rules, in this order:
   * - a guide who LEFT stays LEFT: no ACTIVE state changes it, however new (stores has no way back);
   * - a LEFT state replaces any ACTIVE one, however old its updatedAt (LEFT is the last state there is);
   * - otherwise, with `updatedAt` an older change never overwrites a newer one (events may arrive out of order);
   *   without it the change applies (stores' guide events carry none today);
   * - leftAt is the first one told: a LEFT guide recorded without it takes it from a later LEFT event.
   * The stored updated_at never goes backwards. Unfenced: written by the stores.guide.changed consumer.
   */
  async upsert(q: Queryable, change: GuideChange): Promise<void> {
    const p = new SqlParams();
    const status = p.add(change.status);
    const updatedAt = `${p.add(change.updatedAt ?? null)}::timestamptz`;
    const values: string[] = [p.add(change.guideId), p.add(change.brandId), p.add(change.storeId), `${status}::text`, `COALESCE(${updatedAt}, now())`];
    const columns = ['guide_id', 'brand_id', 'store_id', 'status', 'updated_at'];
    const sets = ['brand_id = EXCLUDED.brand_id', 'store_id = EXCLUDED.store_id', 'status = EXCLUDED.status', 'updated_at = GREATEST(d.updated_at, EXCLUDED.updated_at)'];
    let fillsLeftAt = 'false';
    for (const k of this.extras) {
      const { column, type } = GUIDE_EXTRA_COLUMNS[k];
      columns.push(column);
      if (k === 'leftAt') {
        values.push(`CASE WHEN ${status}::text = 'LEFT' THEN ${p.add(change.leftAt ?? null)}::${type} END`);
        sets.push(`${column} = COALESCE(d.${column}, EXCLUDED.${column})`);
        fillsLeftAt = `(d.${column} IS NULL AND EXCLUDED.${column} IS NOT NULL)`;
      } else {
        values.push(`${p.add(change[k] ?? null)}::${type}`);
        sets.push(`${column} = EXCLUDED.${column}`);
      }
    }
    await q.query(
      `INSERT INTO ${this.table} AS d (${columns.join(', ')}) VALUES (${values.join(', ')})
       ON CONFLICT (guide_id) DO UPDATE SET ${sets.join(', ')}
       WHERE CASE WHEN d.status = 'LEFT' THEN EXCLUDED.status = 'LEFT' AND (${fillsLeftAt} OR (${updatedAt} IS NOT NULL AND d.updated_at <= ${updatedAt}))
                  WHEN EXCLUDED.status = 'LEFT' THEN true
                  ELSE ${updatedAt} IS NULL OR d.updated_at <= ${updatedAt} END`,
      p.values,
    );
  }

  /**
   * Applies a stores.guide.changed event inside the consumer's transaction, together with its dedupe row, so a
   * redelivery is a no-op (docs/architecture.md §6). A guide turning LEFT changes nothing else here: whatever a
   * subgraph does about its customers is its own command (members' 离职继承).
   */
  async applyGuideChanged(tx: Transaction, payload: unknown): Promise<void> {
    await this.upsert(tx, guideChangeOf(payload));
  }

  /**
   * Demo data: the guides given, as of `asOf` (so any real event about them is newer), in one statement. Guides
   * already in the directory are left as they are.
   */
  async seed(q: Queryable, guides: readonly GuideSeed[], asOf: string): Promise<void> {
    const extras = this.extras.map((k) => GUIDE_EXTRA_COLUMNS[k]);
    const record = ['"guideId" text', '"brandId" text', '"storeId" text', 'status text', ...this.extras.map((k) => `"${k}" ${GUIDE_EXTRA_COLUMNS[k].type}`)];
    const selected = ['x."guideId"', 'x."brandId"', 'x."storeId"', 'x.status', ...this.extras.map((k) => (k === 'leftAt' ? `CASE WHEN x.status = 'LEFT' THEN x."leftAt" END` : `x."${k}"`))];
    await q.query(
      `INSERT INTO ${this.table} (guide_id, brand_id, store_id, status, ${extras.map((e) => `${e.column}, `).join('')}updated_at)
       SELECT ${selected.join(', ')}, $2::timestamptz FROM jsonb_to_recordset($1::jsonb) AS x(${record.join(', ')})
       ON CONFLICT (guide_id) DO NOTHING`,
      [JSON.stringify(guides), asOf],
    );
  }
}
