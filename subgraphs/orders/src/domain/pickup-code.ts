import crypto from 'node:crypto';

// The pickup code (取货码) a store-pickup order is collected with (核销), and the limits on guessing it.

/** Wrong codes in a row after which an order is locked. */
export const MAX_WRONG_CODES = 5;
/** How long a locked order refuses every code. */
export const PICKUP_LOCK_MINUTES = 15;
/** Wrong codes a store may enter (all its orders together) within the window before it is refused for a while. */
export const STORE_WRONG_CODE_LIMIT = 30;
export const STORE_WRONG_CODE_WINDOW_MINUTES = 10;

/** A new 6-digit code from the system's cryptographic random source. */
export function newPickupCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Whether a string has the shape of a pickup code. */
export const isPickupCodeShape = (code: string) => /^[0-9]{6}$/.test(code);

/** Compares a given code with the order's in constant time (no early exit that a timing attack could measure). */
export function pickupCodeMatches(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
