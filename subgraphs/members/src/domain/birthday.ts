import type { InputCheck } from '@retail/platform';

// A member's birthday as given at joining: a calendar date (YYYY-MM-DD), not a time; the graph has no Date scalar,
// so it travels as a String in that form.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether the text is a real calendar date (2024-02-30 is not), without rolling it over as Date would. */
function calendarDate(text: string): { year: number; month: number; day: number } | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth ? { year, month, day } : null;
}

/**
 * An optional birthday: blank is none (null); otherwise a real date YYYY-MM-DD from 1900-01-01 up to today (in
 * UTC+14, the earliest calendar on earth, so nobody's today is refused).
 */
export function birthday(check: InputCheck, value: string | null | undefined, field: readonly string[], now = new Date()): string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  const date = calendarDate(text);
  const latest = new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
  if (!date) check.fail(field, 'must be a date YYYY-MM-DD');
  else if (date.year < 1900 || text > latest) check.fail(field, 'must be a date from 1900-01-01 up to today');
  return text;
}
