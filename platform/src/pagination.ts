import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Queryable } from './db/database';
import type { SqlParams } from './db/sql';
import { badUserInput } from './errors';

export const MAX_PAGE = 100;

/** `first` clamped to 1..100 (the contract clamps rather than rejects); null/undefined → 20. */
export function clampFirst(first: number | null | undefined, dflt = 20): number {
  if (first === null || first === undefined || !Number.isFinite(first)) return dflt;
  return Math.min(MAX_PAGE, Math.max(1, Math.trunc(first)));
}

export type CursorValue = string | number;

const PREFIX = 'c1:';

/** Opaque keyset cursor: the sort key of the last row seen. */
export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(PREFIX + JSON.stringify(values)).toString('base64url');
}

/**
 * Decodes a cursor made by encodeCursor with `kinds` describing each key part.
 * Anything else (tampered, from another list) is BAD_USER_INPUT.
 */
export function decodeCursor(cursor: string, kinds: readonly ('string' | 'number')[]): CursorValue[] {
  const bad = () => badUserInput('malformed cursor: pass a pageInfo.endCursor from the same list', ['after']);
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(PREFIX.length));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length) throw bad();
  parsed.forEach((v, i) => {
    if (typeof v !== kinds[i] || (typeof v === 'number' && !Number.isFinite(v))) throw bad();
  });
  return parsed as CursorValue[];
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Builds a connection from rows fetched with LIMIT first+1. */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => readonly CursorValue[]): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null } };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

// ---------------------------------------------------------------------------------------------
// The keyset pager every subgraph's repositories use (docs/adding-a-subgraph.md, "Lists").

/** A page request: `first` clamped to 1..100, the raw `after` cursor, whether totalCount was asked for. */
export interface PageRequest {
  first: number;
  after: string | null;
  withTotal: boolean;
}

/** Sort keys every paged row carries, for ordering and for its cursor. */
export interface SortKeyed {
  _k1: string;
  _k2: string;
}

/**
 * One sort key: the expression rows are ordered and compared by, the text the cursor keeps (defaults to
 * `expr`), and the SQL type the cursor's text is compared as. A timestamptz key must be kept with
 * microseconds (to_char ... US), or two rows of the same millisecond would be skipped.
 */
export interface SortKey {
  expr: string;
  cursor?: string;
  type?: 'text' | 'timestamptz';
}

/**
 * A timestamptz column as a sort key: its cursor keeps it in UTC with microseconds (to_char … US), so two rows of
 * the same millisecond are never skipped, e.g. `sort: [timestampSortKey('p.created_at'), 'p.id']`.
 */
export function timestampSortKey(expr: string): SortKey {
  return { expr, cursor: `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, type: 'timestamptz' };
}

export interface PageQuery {
  /** Select list of a row (without the sort keys). */
  columns: string;
  /** FROM clause with aliases, e.g. "stores.store s". */
  from: string;
  /** Conditions already bound to the statement's SqlParams (fence, filters). */
  where: string;
  /** Two sort keys; the second must be unique (the id). */
  sort: readonly [SortKey | string, SortKey | string];
  /** Newest first and the like: both keys descending. */
  descending?: boolean;
}

export interface Page<R> {
  rows: (R & SortKeyed)[];
  /** Rows matching `where`, whatever the cursor; 0 when the request did not ask for it. */
  total: number;
}

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

const keyOf = (k: SortKey | string): Required<SortKey> =>
  typeof k === 'string' ? { expr: k, cursor: k, type: 'text' } : { expr: k.expr, cursor: k.cursor ?? k.expr, type: k.type ?? 'text' };

/** The cursor's two key values, checked against the sort keys' types: anything else is BAD_USER_INPUT. */
function afterKeys(q: PageQuery, after: string): [string, string] {
  const values = decodeCursor(after, ['string', 'string']) as [string, string];
  const keys = q.sort.map(keyOf);
  values.forEach((v, i) => {
    if (keys[i]!.type === 'timestamptz' && (!ISO_MICROS.test(v) || Number.isNaN(Date.parse(v)))) {
      throw badUserInput('malformed cursor: pass a pageInfo.endCursor from the same list', ['after']);
    }
  });
  return values;
}

function rowsSql(q: PageQuery, parentCond: string, page: PageRequest, p: SqlParams): string {
  const [k1, k2] = q.sort.map(keyOf) as [Required<SortKey>, Required<SortKey>];
  const dir = q.descending ? 'DESC' : 'ASC';
  let after = '';
  if (page.after !== null) {
    const [a, b] = afterKeys(q, page.after);
    after = `AND (${k1.expr}, ${k2.expr}) ${q.descending ? '<' : '>'} (${p.add(a)}::${k1.type}, ${p.add(b)}::${k2.type})`;
  }
  return `SELECT ${q.columns}, ${k1.cursor} AS "_k1", ${k2.cursor} AS "_k2" FROM ${q.from}
          WHERE ${parentCond} (${q.where}) ${after} ORDER BY ${k1.expr} ${dir}, ${k2.expr} ${dir} LIMIT ${page.first + 1}`;
}

/** The rows' order in the outer statement: by the cursor keys, which sort as their expressions do. */
const outerOrder = (q: PageQuery) => (q.descending ? 'r."_k1" DESC, r."_k2" DESC' : 'r."_k1", r."_k2"');

type PagedRow<R> = R & { _parent: string | null; _total: number | null; _k1: string | null; _k2: string | null };

function isRow<R>(r: PagedRow<R>): r is PagedRow<R> & SortKeyed {
  return r._k2 !== null;
}

/**
 * One page of a list in ONE statement: its rows (first + 1, to tell hasNextPage) and, when asked for,
 * the total (a count in the same statement, so totalCount never costs a second round trip).
 */
export async function fetchPage<R>(db: Queryable, p: SqlParams, q: PageQuery, page: PageRequest): Promise<Page<R>> {
  const rows = await db.query<PagedRow<R>>(
    `SELECT NULL::text AS "_parent", c.total AS "_total", r.*
       FROM (SELECT ${page.withTotal ? `(SELECT count(*) FROM ${q.from} WHERE ${q.where})` : 'NULL::bigint'} AS total) c
       LEFT JOIN LATERAL (${rowsSql(q, '', page, p)}) r ON TRUE
      ORDER BY ${outerOrder(q)}`,
    p.values,
  );
  return { rows: rows.filter(isRow), total: rows[0]?._total ?? 0 };
}

/**
 * The same page of a nested list for many parents at once (one statement, whatever their number):
 * a LATERAL page (and count, when asked for) per parent key.
 */
export async function fetchPagesByParent<R>(
  db: Queryable,
  p: SqlParams,
  q: PageQuery & { parent: string },
  parents: readonly string[],
  page: PageRequest,
): Promise<Map<string, Page<R>>> {
  const keys = p.add(parents);
  const parentCond = `${q.parent} = k.parent_key AND`;
  const total = page.withTotal ? `(SELECT count(*) FROM ${q.from} WHERE ${parentCond} (${q.where}))` : 'NULL::bigint';
  const rows = await db.query<PagedRow<R>>(
    `SELECT k.parent_key AS "_parent", ${total} AS "_total", r.*
       FROM unnest(${keys}::text[]) AS k(parent_key)
       LEFT JOIN LATERAL (${rowsSql(q, parentCond, page, p)}) r ON TRUE
      ORDER BY k.parent_key, ${outerOrder(q)}`,
    p.values,
  );
  const out = new Map<string, Page<R>>(parents.map((k) => [k, { rows: [], total: 0 }]));
  for (const r of rows) {
    const pageOf = out.get(r._parent ?? '');
    if (!pageOf) continue;
    pageOf.total = r._total ?? 0;
    if (isRow(r)) pageOf.rows.push(r);
  }
  return out;
}

/** Whether a connection field's selection asks for totalCount (fragments included). */
export function selectsTotalCount(info: GraphQLResolveInfo): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set &&
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === 'totalCount';
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((n) => visit(n.selectionSet));
}

/**
 * `first`/`after` arguments as a PageRequest: first clamped to 1..100; with `info`, the total is counted
 * only when the selection asks for totalCount. The cursor is checked when the page is fetched.
 */
export function pageRequest(args: PageArgs, info?: GraphQLResolveInfo): PageRequest {
  return { first: clampFirst(args.first), after: args.after ?? null, withTotal: info ? selectsTotalCount(info) : true };
}

/** A loader name that tells pages apart, so one nested list with different arguments is never mixed up. */
export function pageKey(page: PageRequest): string {
  return JSON.stringify([page.first, page.after, page.withTotal]);
}

/** The Relay connection of a page. */
export function connectionOf<R>(page: Page<R>, first: number): Connection<R & SortKeyed> & { totalCount: number } {
  return { ...toConnection(page.rows, first, (r) => [r._k1, r._k2]), totalCount: page.total };
}
