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
