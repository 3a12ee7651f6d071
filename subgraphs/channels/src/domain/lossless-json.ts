/**
 * JSON as providers send it, parsed without losing digits: JSON.parse turns 4398046511104123456 into
 * 4398046511104123000 before any reviver sees it, and TOP and JD order ids exceed 2^53 (docs/channel-order-pulls.md).
 * Here an integer within ±(2^53 − 1) is a number; every other number (a larger integer, a fraction, an exponent) is
 * kept as its literal text, a string, so ids stay exact and amounts can be read as decimals without floating point.
 */
export type LosslessJson = null | boolean | number | string | LosslessJson[] | { [key: string]: LosslessJson };

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const MAX_DEPTH = 200;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const WS = /[ \t\n\r]*/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseLosslessJson(text: string): LosslessJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(what, i);
  };
  const ws = () => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const str = (): string => {
    i++; // the opening quote
    let out = '';
    for (;;) {
      PLAIN.lastIndex = i;
      const run = PLAIN.exec(text)![0];
      out += run;
      i += run.length;
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === undefined) fail('unterminated string');
      if (c !== '\\') fail('control character in string');
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        i += 2;
      } else fail('bad escape');
    }
  };
  const num = (): number | string => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('bad number');
    i = NUMBER.lastIndex;
    const literal = m[0];
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(literal);
      if (Number.isSafeInteger(n)) return n;
    }
    return literal;
  };
  const word = (w: string, v: LosslessJson): LosslessJson => {
    if (text.startsWith(w, i)) {
      i += w.length;
      return v;
    }
    return fail('unexpected token');
  };
  const value = (depth: number): LosslessJson => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: LosslessJson } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        // defineProperty: a key "__proto__" is data, never the prototype.
        Object.defineProperty(obj, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: LosslessJson[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (c === 't') return word('true', true);
    if (c === 'f') return word('false', false);
    if (c === 'n') return word('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    return fail(c === undefined ? 'unexpected end' : 'unexpected character');
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/** An object member, or undefined when `v` is not an object. */
export function member(v: LosslessJson | undefined, key: string): LosslessJson | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** A value as an id or text: strings as they are, safe integers in decimal; anything else undefined. */
export function text(v: LosslessJson | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

/** The array under `key`, or [] (TOP wraps lists as { trade: [...] }; absent when empty). */
export function list(v: LosslessJson | undefined): LosslessJson[] {
  return Array.isArray(v) ? v : [];
}
