import { clampFirst, decodeCursor, toConnection, type Connection, type Queryable, type SqlParams } from '@retail/platform';

/** A page request after clamping and cursor decoding. */
export interface PageRequest {
  first: number;
  after: readonly [string, string] | null;
}

/** Sort key columns every paged row carries, for ordering and its cursor. */
export interface SortKeyed {
  _k1: string;
  _k2: string;
}

export interface PageQuery {
  /** Select list of a row (without the sort keys). */
  columns: string;
  /** FROM clause with aliases, e.g. "stores.store s". */
  from: string;
  /** Conditions already bound to `p` (fence, filters). */
  where: string;
  /** Two sort expressions; the second must be unique (the id). */
  sort: readonly [string, string];
}

export interface Page<R> {
  rows: (R & SortKeyed)[];
  /** Rows matching `where`, whatever the cursor. */
  total: number;
}

export function cursorKey(cursor: string | null | undefined): readonly [string, string] | null {
  if (cursor === null || cursor === undefined) return null;
  const [a, b] = decodeCursor(cursor, ['string', 'string']) as [string, string];
  return [a, b];
}

export function keyOfRow(row: SortKeyed): [string, string] {
  return [row._k1, row._k2];
}

function rowsSql(q: PageQuery, parentCond: string, page: PageRequest, p: SqlParams): string {
  const [k1, k2] = q.sort;
  const after = page.after ? `AND (${k1}, ${k2}) > (${p.add(page.after[0])}, ${p.add(page.after[1])})` : '';
  return `SELECT ${q.columns}, ${k1} AS "_k1", ${k2} AS "_k2" FROM ${q.from}
          WHERE ${parentCond} (${q.where}) ${after} ORDER BY ${k1}, ${k2} LIMIT ${page.first + 1}`;
}

type PagedRow<R> = R & { _parent: string | null; _total: number; _k1: string | null; _k2: string | null };

function isRow<R>(r: PagedRow<R>): r is PagedRow<R> & SortKeyed {
  return r._k2 !== null;
}

/** One page of a list in one statement: its rows (first + 1, to tell hasNextPage) and the total. */
export async function fetchPage<R>(db: Queryable, p: SqlParams, q: PageQuery, page: PageRequest): Promise<Page<R>> {
  const rows = await db.query<PagedRow<R>>(
    `SELECT NULL::text AS "_parent", c.total AS "_total", r.*
       FROM (SELECT count(*) AS total FROM ${q.from} WHERE ${q.where}) c
       LEFT JOIN LATERAL (${rowsSql(q, '', page, p)}) r ON TRUE
      ORDER BY r."_k1", r."_k2"`,
    p.values,
  );
  return { rows: rows.filter(isRow), total: rows[0]?._total ?? 0 };
}

/**
 * The same page of a nested list for many parents at once (one statement, whatever their number):
 * a LATERAL page and count per parent key.
 */
export async function fetchPagesByParent<R>(db: Queryable, p: SqlParams, q: PageQuery & { parent: string }, parents: readonly string[], page: PageRequest): Promise<Map<string, Page<R>>> {
  const keys = p.add(parents);
  const parentCond = `${q.parent} = k.parent_key AND`;
  const rows = await db.query<PagedRow<R>>(
    `SELECT k.parent_key AS "_parent", c.total AS "_total", r.*
       FROM unnest(${keys}::text[]) AS k(parent_key)
       CROSS JOIN LATERAL (SELECT count(*) AS total FROM ${q.from} WHERE ${parentCond} (${q.where})) c
       LEFT JOIN LATERAL (${rowsSql(q, parentCond, page, p)}) r ON TRUE
      ORDER BY k.parent_key, r."_k1", r."_k2"`,
    p.values,
  );
  const out = new Map<string, Page<R>>(parents.map((k) => [k, { rows: [], total: 0 }]));
  for (const r of rows) {
    const pageOf = out.get(r._parent ?? '');
    if (!pageOf) continue;
    pageOf.total = r._total;
    if (isRow(r)) pageOf.rows.push(r);
  }
  return out;
}

/** `first`/`after` arguments as a PageRequest: first clamped to 1..100, a malformed cursor is BAD_USER_INPUT. */
export function pageRequest(args: { first?: number | null; after?: string | null }): PageRequest {
  return { first: clampFirst(args.first), after: cursorKey(args.after) };
}

/** A loader name that tells pages apart, so one nested list with different arguments is never mixed up. */
export function pageKey(page: PageRequest): string {
  return JSON.stringify([page.first, page.after]);
}

/** The Relay connection of a page. */
export function connectionOf<R>(page: Page<R>, first: number): Connection<R & SortKeyed> & { totalCount: number } {
  return { ...toConnection(page.rows, first, keyOfRow), totalCount: page.total };
}
