import { userError, type UserError } from '@retail/platform';

// Weekly opening hours: the GraphQL shape (DayOfWeek, "HH:mm") and the stored one (ISO day 1..7,
// minutes since midnight, closes = 1440 for midnight).

export const DAYS_OF_WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

/** Intervals a day may have (a lunch break gives two; more is a typo). */
export const MAX_INTERVALS_PER_DAY = 4;

export interface OpeningHours {
  dayOfWeek: DayOfWeek;
  opens: string;
  closes: string;
}

export interface OpeningInterval {
  day: number;
  opensMin: number;
  closesMin: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string): number | null {
  if (hhmm === '24:00') return 1440;
  const m = HH_MM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function hhmmOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function toOpeningHours(i: OpeningInterval): OpeningHours {
  const day = DAYS_OF_WEEK[i.day - 1];
  if (!day) throw new Error(`stored day_of_week out of range: ${i.day}`);
  return { dayOfWeek: day, opens: hhmmOf(i.opensMin), closes: hhmmOf(i.closesMin) };
}

/**
 * Checks a weekly schedule: opens 00:00–23:59, closes 00:01–24:00 and later than opens, no overlaps
 * within a day, at most MAX_INTERVALS_PER_DAY a day. Errors name the offending entry, e.g.
 * ["input", "openingHours", "2", "closes"]. The intervals come back by day and time.
 */
export function parseOpeningHours(list: readonly OpeningHours[], field: readonly string[]): { intervals: OpeningInterval[]; errors: UserError[] } {
  const errors: UserError[] = [];
  const at = (i: number, part?: string) => [...field, String(i), ...(part ? [part] : [])];
  const valid: (OpeningInterval & { index: number })[] = [];
  list.forEach((h, index) => {
    const day = DAYS_OF_WEEK.indexOf(h.dayOfWeek) + 1;
    const opens = minutesOf(h.opens);
    const closes = minutesOf(h.closes);
    if (opens === null || opens === 1440) errors.push(userError('INVALID_INPUT', `opens must be HH:mm from 00:00 to 23:59, got "${h.opens}"`, at(index, 'opens')));
    if (closes === null || closes === 0) errors.push(userError('INVALID_INPUT', `closes must be HH:mm from 00:01 to 24:00, got "${h.closes}"`, at(index, 'closes')));
    if (opens === null || opens === 1440 || closes === null || closes === 0) return;
    if (closes <= opens) {
      errors.push(userError('INVALID_INPUT', `closes (${h.closes}) must be later than opens (${h.opens}); split hours past midnight over two days`, at(index, 'closes')));
      return;
    }
    valid.push({ day, opensMin: opens, closesMin: closes, index });
  });
  for (let day = 1; day <= 7; day++) {
    const ofDay = valid.filter((v) => v.day === day).sort((a, b) => a.opensMin - b.opensMin || a.index - b.index);
    ofDay.forEach((v, n) => {
      const prev = ofDay[n - 1];
      if (prev && v.opensMin < prev.closesMin) {
        errors.push(userError('INVALID_INPUT', `${DAYS_OF_WEEK[day - 1]} ${hhmmOf(v.opensMin)}–${hhmmOf(v.closesMin)} overlaps ${hhmmOf(prev.opensMin)}–${hhmmOf(prev.closesMin)}`, at(v.index, 'opens')));
      }
    });
    if (ofDay.length > MAX_INTERVALS_PER_DAY) {
      const extra = ofDay[MAX_INTERVALS_PER_DAY]!;
      errors.push(userError('INVALID_INPUT', `at most ${MAX_INTERVALS_PER_DAY} intervals a day (${DAYS_OF_WEEK[day - 1]})`, at(extra.index)));
    }
  }
  const intervals = valid.map(({ day, opensMin, closesMin }) => ({ day, opensMin, closesMin })).sort((a, b) => a.day - b.day || a.opensMin - b.opensMin);
  return { intervals, errors };
}
