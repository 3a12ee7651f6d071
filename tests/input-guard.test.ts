// The platform's request guard and request-error status, unit by unit (tests/bad-input.test.ts runs them
// through the whole graph).
import { parse } from 'graphql';
import { DateTime, findNulInDocument, findNulInValue, nulInputError, prefersLegacyJson } from '@retail/platform';

describe('NUL characters', () => {
  test('are found in variables at any depth, in values and in keys, with their path', () => {
    expect(findNulInValue({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, '$v')).toBe('$v.a.1.c');
    expect(findNulInValue({ ['k\u0000']: 1 }, '$v')).toBe('$v.k\\u0000');
    expect(findNulInValue(['fine', 1, true, null, { n: 2 }], '$v')).toBeNull();
  });

  test('a deeply nested value cannot overflow the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findNulInValue(deep, '$v')).toMatch(/^\$v(\.0){200000}$/);
  });

  test('are found in every string literal of the document: arguments, input objects, lists, default values', () => {
    const doc = parse('query($d: String = "d\\u0000") { a(x: "ok", y: { z: ["w", "\\u0000"] }) b(s: """block""") }');
    expect(findNulInDocument(doc)).toHaveLength(2);
    const error = nulInputError(doc, {});
    expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    expect(error?.locations).toHaveLength(2);
    expect(nulInputError(parse('{ a(x: "ok") }'), { v: 'fine', w: { x: ['y'] } })).toBeNull();
    expect(nulInputError(parse('{ a(x: "ok") }'), { v: 'fine', w: { x: ['y\u0000'] } })?.message).toBe('variable $w.x.0 must not contain the NUL character (U+0000)');
  });
});

test('only an explicit preference for application/json is the legacy media type (200 for request errors)', () => {
  expect(prefersLegacyJson('application/json')).toBe(true);
  expect(prefersLegacyJson('application/json, application/graphql-response+json')).toBe(true);
  expect(prefersLegacyJson('application/json;q=0.9, application/graphql-response+json;q=0.5')).toBe(true);
  expect(prefersLegacyJson('application/graphql-response+json, application/json')).toBe(false);
  expect(prefersLegacyJson('application/graphql-response+json;q=1, application/json;q=0.9')).toBe(false);
  expect(prefersLegacyJson('application/json;q=0')).toBe(false);
  expect(prefersLegacyJson('*/*')).toBe(false);
  expect(prefersLegacyJson('application/*')).toBe(false);
  expect(prefersLegacyJson(undefined)).toBe(false);
  expect(prefersLegacyJson('')).toBe(false);
});

test('DateTime refuses dates and times that do not exist instead of rolling them over', () => {
  for (const bad of ['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-01-01T00:00:60Z', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00', 'bad', 20240101]) {
    expect(() => DateTime.parseValue(bad)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', scalar: 'DateTime' } }));
  }
  expect((DateTime.parseValue('2024-02-29T23:59:59.5+08:00') as Date).toISOString()).toBe('2024-02-29T15:59:59.500Z');
  expect((DateTime.parseValue('2000-02-29T00:00+00:00') as Date).toISOString()).toBe('2000-02-29T00:00:00.000Z');
});
