import { UserErrorException, userError, type UserError, type UserErrorCode } from '@retail/platform';

/** Collects every fault of an input, so a form can show them all at once; throws them together. */
export class InputCheck {
  readonly errors: UserError[] = [];

  fail(field: readonly string[], message: string, code: UserErrorCode = 'INVALID_INPUT'): void {
    this.errors.push(userError(code, message, [...field]));
  }

  /** Records the fault when `ok` is false; returns ok. */
  require(ok: boolean, field: readonly string[], message: string): boolean {
    if (!ok) this.fail(field, message);
    return ok;
  }

  /** Runs a parser that throws UserErrorException (e.g. parseMoneyInput), keeping its errors; null on failure. */
  attempt<T>(parse: () => T): T | null {
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof UserErrorException)) throw e;
      this.errors.push(...e.errors);
      return null;
    }
  }

  throwIfAny(): void {
    if (this.errors.length) throw new UserErrorException(this.errors);
  }
}

/** Trimmed text, or null when blank. */
export function trimmed(text: string | null | undefined): string | null {
  const t = text?.trim();
  return t ? t : null;
}

/** EAN-8, UPC-A (12), EAN-13 or GTIN-14 with a valid GS1 check digit. */
export function isGtin(code: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(code)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  // Weights 3,1,3,... from the rightmost data digit.
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}
