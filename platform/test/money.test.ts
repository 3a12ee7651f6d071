import { amountToFen, formatMoney, parseMoneyInput, UserErrorException, type UserError } from '../src';

function errorsOf(fn: () => unknown): UserError[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserErrorException) return e.errors;
    throw e;
  }
  throw new Error('expected a UserErrorException');
}

describe('money', () => {
  const path = ['input', 'skus', '1', 'listPrice'];

  it.each([
    ['199.00', 19900],
    ['199', 19900],
    ['199.5', 19950],
    ['0.01', 1],
    ['0', 0],
    ['100000000.00', 10_000_000_000],
  ])('parses %s as %d fen', (amount, fen) => {
    expect(parseMoneyInput({ amount, currency: 'CNY' }, path)).toEqual({ fen, currency: 'CNY' });
  });

  it.each(['1e3', '1.234', '', ' 1.00', '1.', '.5', '01.00', '+1', '1,00', 'NaN', 'Infinity', '0x10', '１２'])('refuses amount %p with the amount field path', (amount) => {
    expect(errorsOf(() => parseMoneyInput({ amount, currency: 'CNY' }, path))).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'skus', '1', 'listPrice', 'amount'] }),
    ]);
  });

  it('refuses negative amounts unless allowed', () => {
    expect(errorsOf(() => parseMoneyInput({ amount: '-1.00', currency: 'CNY' }, path))[0]?.field).toEqual([...path, 'amount']);
    expect(parseMoneyInput({ amount: '-1.50', currency: 'CNY' }, path, { allowNegative: true })).toEqual({ fen: -150, currency: 'CNY' });
  });

  it('refuses amounts above the maximum', () => {
    expect(errorsOf(() => parseMoneyInput({ amount: '100000000.01', currency: 'CNY' }, path))[0]?.code).toBe('INVALID_INPUT');
    expect(errorsOf(() => parseMoneyInput({ amount: '10.01', currency: 'CNY' }, path, { maxFen: 1000 }))[0]?.field).toEqual([...path, 'amount']);
    expect(amountToFen('999999999999999999.99')).toBeNull();
  });

  it.each(['cny', 'CN', 'CNYY', '', 'XXX', 'JPY'])('refuses currency %p', (currency) => {
    expect(errorsOf(() => parseMoneyInput({ amount: '1.00', currency }, path))).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: [...path, 'currency'] }),
    ]);
  });

  it('reports amount and currency faults together', () => {
    expect(errorsOf(() => parseMoneyInput({ amount: 'x', currency: 'y' }, path)).map((e) => e.field?.at(-1))).toEqual(['amount', 'currency']);
  });

  it('formats fen as a two-decimal string', () => {
    expect(formatMoney(19900, 'CNY')).toEqual({ amount: '199.00', currency: 'CNY' });
    expect(formatMoney(5, 'CNY').amount).toBe('0.05');
    expect(formatMoney(0, 'USD').amount).toBe('0.00');
    expect(formatMoney(-150, 'CNY').amount).toBe('-1.50');
    expect(formatMoney(10_000_000_000, 'CNY').amount).toBe('100000000.00');
    expect(() => formatMoney(1.5, 'CNY')).toThrow();
  });

  it('round-trips', () => {
    for (const fen of [0, 1, 99, 100, 12345, 45900, 9_999_999_999]) {
      expect(parseMoneyInput(formatMoney(fen, 'CNY'), path).fen).toBe(fen);
    }
  });
});
