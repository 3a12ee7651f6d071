import { UserErrorException, userError, type UserError } from './errors';

/** Money as the graph carries it (docs/architecture.md §5): a decimal string and an ISO 4217 code, never a float. */
export interface Money {
  amount: string;
  currency: string;
}

/** The contract's MoneyInput. */
export type MoneyInput = Money;

/** Money as it is stored: integer fen (分, the currency's 1/100 unit) and the currency. */
export interface ParsedMoney {
  fen: number;
  currency: string;
}

/** Currencies accepted in input: ISO 4217 codes whose minor unit is 1/100 (so "fen" is exact). */
export const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set(['CNY', 'HKD', 'MOP', 'TWD', 'USD', 'EUR', 'GBP', 'SGD', 'AUD', 'CAD', 'CHF', 'NZD']);

/** The largest amount accepted by default: 100 000 000.00. */
export const MAX_MONEY_FEN = 10_000_000_000;

export interface ParseMoneyOptions {
  /** Negative amounts are refused unless the field says otherwise. */
  allowNegative?: boolean;
  /** Inclusive upper bound of |amount| in fen; default MAX_MONEY_FEN. */
  maxFen?: number;
}

const AMOUNT = /^(-)?(0|[1-9][0-9]{0,14})(?:\.([0-9]{1,2}))?$/;

/** "199.5" → 19950; null when the string is not a plain decimal with at most 2 decimals. */
export function amountToFen(amount: string): number | null {
  const m = AMOUNT.exec(amount);
  if (!m) return null;
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  const fen = whole * 100 + frac;
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] && fen !== 0 ? -fen : fen;
}

/**
 * Parses a MoneyInput. Malformed or out-of-range input throws UserErrorException INVALID_INPUT
 * naming the faulty sub-field, e.g. ["input", "skus", "1", "listPrice", "amount"]. All faults are reported.
 */
export function parseMoneyInput(input: MoneyInput, fieldPath: readonly string[], opts: ParseMoneyOptions = {}): ParsedMoney {
  const max = opts.maxFen ?? MAX_MONEY_FEN;
  const errors: UserError[] = [];
  const fen = typeof input.amount === 'string' ? amountToFen(input.amount) : null;
  if (fen === null) {
    errors.push(userError('INVALID_INPUT', `amount must be a decimal string with at most 2 decimals, e.g. "199.00" (got ${JSON.stringify(input.amount)})`, [...fieldPath, 'amount']));
  } else if (fen < 0 && !opts.allowNegative) {
    errors.push(userError('INVALID_INPUT', 'amount may not be negative', [...fieldPath, 'amount']));
  } else if (Math.abs(fen) > max) {
    errors.push(userError('INVALID_INPUT', `amount may not exceed ${formatMoney(max, 'CNY').amount}`, [...fieldPath, 'amount']));
  }
  const currency = input.currency;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    errors.push(userError('INVALID_INPUT', 'currency must be an ISO 4217 code in upper case, e.g. CNY', [...fieldPath, 'currency']));
  } else if (!SUPPORTED_CURRENCIES.has(currency)) {
    errors.push(userError('INVALID_INPUT', `currency ${currency} is not supported`, [...fieldPath, 'currency']));
  }
  if (errors.length || fen === null) throw new UserErrorException(errors);
  return { fen, currency };
}

/** 19900 fen → { amount: "199.00", currency }; negative amounts keep their sign. */
export function formatMoney(fen: number, currency: string): Money {
  if (!Number.isSafeInteger(fen)) throw new Error(`money in fen must be a safe integer (got ${fen})`);
  const abs = Math.abs(fen);
  const amount = `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return { amount, currency };
}
