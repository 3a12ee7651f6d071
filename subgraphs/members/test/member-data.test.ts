import { MemberDataKey } from '../src/domain/member-data-key';
import { maskMobile, normalizeMobile } from '../src/domain/phone';

describe('mobile numbers', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
  ])('normalizes %s', (raw, normal) => {
    expect(normalizeMobile(raw)).toBe(normal);
  });

  it.each(['12812345678', '1381234567', '138123456789', '+1 138 1234 5678', '021-62881618', ''])('refuses %s', (raw) => {
    expect(normalizeMobile(raw)).toBeNull();
  });

  it('masks the middle four digits', () => {
    expect(maskMobile('13812345678')).toBe('138****5678');
  });
});

describe('MemberDataKey', () => {
  const key = new MemberDataKey('a-test-member-data-key-0123456789abcdef');
  const other = new MemberDataKey('another-test-member-data-key-0123456789');

  it('seals a phone with a fresh IV each time and opens it for its member only', () => {
    const a = key.sealPhone('mem-1', '13812345678');
    const b = key.sealPhone('mem-1', '13812345678');
    expect(a).not.toBe(b);
    expect(a).not.toContain('13812345678');
    expect(key.openPhone('mem-1', a)).toBe('13812345678');
    expect(() => key.openPhone('mem-2', a)).toThrow();
    expect(() => other.openPhone('mem-1', a)).toThrow();
    const [v, iv, tag, body] = a.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => key.openPhone('mem-1', [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('hashes a number and derives its OneID with keys of their own: stable, and different under another key', () => {
    expect(key.phoneHash('13812345678')).toBe(key.phoneHash('13812345678'));
    expect(key.phoneHash('13812345678')).toMatch(/^[0-9a-f]{64}$/);
    expect(key.phoneHash('13812345678')).not.toBe(other.phoneHash('13812345678'));
    expect(key.oneIdFromPhone('13812345678')).toMatch(/^oid-[0-9a-f]{32}$/);
    expect(key.oneIdFromPhone('13812345678')).not.toBe(other.oneIdFromPhone('13812345678'));
    expect(key.phoneHash('13812345678').startsWith(key.oneIdFromPhone('13812345678').slice(4))).toBe(false);
  });
});
