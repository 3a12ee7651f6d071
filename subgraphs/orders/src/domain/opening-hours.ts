import type { DayOfWeek, OpeningHours } from '../model';

// A store's weekly opening hours in its own time zone (stores.store.changed: [{ dayOfWeek, opens, closes }],
// HH:mm local time, closes later than opens, 24:00 for midnight). Pure: no clock, no I/O.

const DAYS: readonly DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** "HH:mm" → minutes since midnight (24:00 → 1440); null when malformed. */
function minutesOf(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && minutes <= MINUTES_PER_DAY ? minutes : null;
}

/**
 * The week's open intervals as [start, end) minutes since Monday 00:00 local time. An interval whose closes is
 * not after its opens (22:00–02:00) runs over midnight into the next day; Sunday's runs into Monday.
 */
function weekIntervals(hours: readonly OpeningHours[]): [number, number][] {
  const out: [number, number][] = [];
  for (const h of hours) {
    const day = DAYS.indexOf(h.dayOfWeek);
    const opens = minutesOf(h.opens);
    const closes = minutesOf(h.closes);
    if (day < 0 || opens === null || closes === null || opens === closes) continue;
    const start = day * MINUTES_PER_DAY + opens;
    const end = day * MINUTES_PER_DAY + (closes > opens ? closes : closes + MINUTES_PER_DAY);
    if (end <= MINUTES_PER_WEEK) out.push([start, end]);
    else out.push([start, MINUTES_PER_WEEK], [0, end - MINUTES_PER_WEEK]);
  }
  return out;
}

/** The local wall-clock time of an instant in a time zone: minutes since Monday 00:00, and the seconds within the minute. */
function localWeekMinute(at: Date, timeZone: string): { minute: number; seconds: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAYS.indexOf(get('weekday').toUpperCase() as DayOfWeek);
  return { minute: day * MINUTES_PER_DAY + Number(get('hour')) * 60 + Number(get('minute')), seconds: Number(get('second')) + at.getUTCMilliseconds() / 1000 };
}

/**
 * Whether a store with these opening hours is open at `at`. A store that publishes no hours is taken as open:
 * nothing says it is closed, so no order of it counts as placed off hours.
 */
export function isOpenAt(hours: readonly OpeningHours[], timeZone: string, at: Date): boolean {
  const intervals = weekIntervals(hours);
  if (intervals.length === 0) return true;
  const { minute } = localWeekMinute(at, timeZone);
  return intervals.some(([s, e]) => minute >= s && minute < e);
}

/**
 * When the store next opens after `at` (an instant), by its opening hours in its time zone: `at` itself when it is
 * open then; null when it publishes no hours. Time-zone offset changes within the week are followed, since the
 * answer is found by stepping whole minutes from `at`.
 */
export function nextOpening(hours: readonly OpeningHours[], timeZone: string, at: Date): Date | null {
  const intervals = weekIntervals(hours);
  if (intervals.length === 0) return null;
  const { minute, seconds } = localWeekMinute(at, timeZone);
  if (intervals.some(([s, e]) => minute >= s && minute < e)) return at;
  // Minutes until the nearest start, wrapping round the week.
  const wait = Math.min(...intervals.map(([s]) => (s - minute + MINUTES_PER_WEEK) % MINUTES_PER_WEEK || MINUTES_PER_WEEK));
  const candidate = new Date(at.getTime() + wait * 60_000 - seconds * 1000);
  // Over a daylight-saving change the wall clock moved by the offset difference: correct by what the clock says.
  const drift = localWeekMinute(candidate, timeZone).minute - ((minute + wait) % MINUTES_PER_WEEK);
  const adjusted = drift === 0 || Math.abs(drift) > 180 ? candidate : new Date(candidate.getTime() - drift * 60_000);
  return adjusted;
}
