import { GraphQLError } from 'graphql';
import { clampFirst, decodeCursor, encodeCursor, MAX_PAGE, toConnection } from '../src/pagination';

function decodeError(cursor: string, kinds: readonly ('string' | 'number')[]): GraphQLError {
  try {
    decodeCursor(cursor, kinds);
  } catch (e) {
    if (e instanceof GraphQLError) return e;
    throw e;
  }
  throw new Error(`cursor ${cursor} was accepted`);
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('clampFirst', () => {
  it('clamps to 1..100', () => {
    expect(MAX_PAGE).toBe(100);
    expect(clampFirst(100000)).toBe(100);
    expect(clampFirst(100)).toBe(100);
    expect(clampFirst(0)).toBe(1);
    expect(clampFirst(-5)).toBe(1);
    expect(clampFirst(7)).toBe(7);
    expect(clampFirst(7.9)).toBe(7);
  });

  it('uses the default for null, undefined and non-finite values', () => {
    expect(clampFirst(null)).toBe(20);
    expect(clampFirst(undefined)).toBe(20);
    expect(clampFirst(Number.NaN)).toBe(20);
    expect(clampFirst(null, 50)).toBe(50);
  });
});

describe('cursors', () => {
  it('round-trips mixed key parts', () => {
    const key = ['2024-11-11T00:00:00.000Z', 42, '9007199254740993'];
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, ['string', 'number', 'string'])).toEqual(key);
  });

  it('round-trips unicode strings', () => {
    expect(decodeCursor(encodeCursor(['上海店 ☕']), ['string'])).toEqual(['上海店 ☕']);
  });

  const malformed: [string, string, readonly ('string' | 'number')[]][] = [
    ['garbage with non-base64url characters', 'not a cursor!', ['string']],
    ['standard base64 padding', `${encodeCursor(['a'])}==`, ['string']],
    ['base64 of text without the prefix', b64('["a"]'), ['string']],
    ['a prefix with broken JSON (tampered)', b64('c1:["a",'), ['string', 'number']],
    ['a prefix with a JSON object', b64('c1:{"a":1}'), ['string']],
    ['too few parts', encodeCursor(['a']), ['string', 'number']],
    ['too many parts', encodeCursor(['a', 1, 2]), ['string', 'number']],
    ['a number where a string belongs', encodeCursor([1, 'a']), ['string', 'number']],
    ['a nested array as a part', b64('c1:[["a"]]'), ['string']],
    ['null as a part', b64('c1:[null]'), ['number']],
    ['an empty string', '', ['string']],
    ['an overlong cursor', 'A'.repeat(513), ['string']],
  ];

  it.each(malformed)('refuses %s with BAD_USER_INPUT', (_label, cursor, kinds) => {
    const err = decodeError(cursor, kinds);
    expect(err.extensions.code).toBe('BAD_USER_INPUT');
    expect(err.message).toMatch(/malformed cursor/);
  });

  it('refuses a cursor with one flipped character', () => {
    const cursor = encodeCursor(['store-1', 5]);
    const flipped = `${cursor.slice(0, 2)}${cursor[2] === 'A' ? 'B' : 'A'}${cursor.slice(3)}`;
    expect(decodeError(flipped, ['string', 'number']).extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('toConnection', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('cuts the extra row and reports a next page', () => {
    const conn = toConnection(rows, 2, (r) => [r.id]);
    expect(conn.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(conn.pageInfo.endCursor ?? '', ['string'])).toEqual(['b']);
  });

  it('has no next page and a null end cursor when empty', () => {
    expect(toConnection([], 5, () => [])).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(toConnection(rows, 3, (r) => [r.id]).pageInfo.hasNextPage).toBe(false);
  });
});
