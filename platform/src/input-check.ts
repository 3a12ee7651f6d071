import { UserErrorException, userError, type UserError, type UserErrorCode } from './errors';

type Field = readonly string[];

/**
 * Collects every fault of a mutation's input, each with its field path (e.g. ["input","skus","1","code"]),
 * so a form can show them all at once; done() throws them together before anything is written.
 */
export class InputCheck {
  readonly errors: UserError[] = [];

  fail(field: Field, message: string, code: UserErrorCode = 'INVALID_INPUT'): void {
    this.errors.push(userError(code, message, [...field]));
  }

  /** Records the fault when `ok` is false; returns ok. */
  require(ok: boolean, field: Field, message: string): boolean {
    if (!ok) this.fail(field, message);
    return ok;
  }

  /** Trimmed text of 1..max characters (counted as code points, so 汉字 count once). */
  text(value: string, field: Field, max: number): string {
    const v = value.trim();
    this.require(v.length > 0 && [...v].length <= max, field, `must be 1 to ${max} characters`);
    return v;
  }

  /** Like text, but blank means "none" (null). */
  optionalText(value: string | null | undefined, field: Field, max: number): string | null {
    const v = value?.trim() ?? '';
    return v === '' ? null : this.text(v, field, max);
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

  /** Throws the collected errors, if any. */
  done(): void {
    if (this.errors.length) throw new UserErrorException(this.errors);
  }
}

/** Trimmed text, or null when blank. */
export function trimmed(text: string | null | undefined): string | null {
  const t = text?.trim();
  return t ? t : null;
}
