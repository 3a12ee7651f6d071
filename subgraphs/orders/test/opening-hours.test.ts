import { isOpenAt, nextOpening } from '../src/domain/opening-hours';
import type { OpeningHours } from '../src/model';

const SH = 'Asia/Shanghai';
/** An instant given in Shanghai time (UTC+8, no daylight saving). */
const sh = (local: string) => new Date(`${local}+08:00`);
const days = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const;
const weekdays = (opens: string, closes: string): OpeningHours[] => days.map((dayOfWeek) => ({ dayOfWeek, opens, closes }));

// 2024-11-11 is a Monday.
describe('opening hours (a pure rule)', () => {
  it('is open inside an interval and closed outside it, by the store time zone', () => {
    const hours = weekdays('10:00', '22:00');
    expect(isOpenAt(hours, SH, sh('2024-11-11T10:00:00'))).toBe(true);
    expect(isOpenAt(hours, SH, sh('2024-11-11T21:59:59'))).toBe(true);
    expect(isOpenAt(hours, SH, sh('2024-11-11T22:00:00'))).toBe(false);
    expect(isOpenAt(hours, SH, sh('2024-11-11T09:59:00'))).toBe(false);
    // 02:30 UTC is 10:30 in Shanghai.
    expect(isOpenAt(hours, SH, new Date('2024-11-11T02:30:00Z'))).toBe(true);
  });

  it('schedules an order placed at night for the next morning', () => {
    const hours = weekdays('10:00', '22:00');
    expect(nextOpening(hours, SH, sh('2024-11-11T23:15:30'))?.toISOString()).toBe(sh('2024-11-12T10:00:00').toISOString());
    expect(nextOpening(hours, SH, sh('2024-11-12T03:00:00'))?.toISOString()).toBe(sh('2024-11-12T10:00:00').toISOString());
  });

  it('answers the instant itself while the store is open', () => {
    const at = sh('2024-11-11T12:34:56');
    expect(nextOpening(weekdays('10:00', '22:00'), SH, at)).toBe(at);
  });

  it('skips a weekend without hours to Monday', () => {
    // Friday 22:30 → Monday 10:00.
    expect(nextOpening(weekdays('10:00', '22:00'), SH, sh('2024-11-15T22:30:00'))?.toISOString()).toBe(sh('2024-11-18T10:00:00').toISOString());
    expect(isOpenAt(weekdays('10:00', '22:00'), SH, sh('2024-11-16T12:00:00'))).toBe(false);
  });

  it('follows overnight hours: split at midnight, or one interval that closes after midnight', () => {
    const split: OpeningHours[] = [
      { dayOfWeek: 'FRIDAY', opens: '18:00', closes: '24:00' },
      { dayOfWeek: 'SATURDAY', opens: '00:00', closes: '02:00' },
    ];
    expect(isOpenAt(split, SH, sh('2024-11-16T01:30:00'))).toBe(true);
    expect(isOpenAt(split, SH, sh('2024-11-16T02:00:00'))).toBe(false);
    const overnight: OpeningHours[] = [{ dayOfWeek: 'SUNDAY', opens: '20:00', closes: '03:00' }];
    // Sunday night runs into Monday morning (the week wraps).
    expect(isOpenAt(overnight, SH, sh('2024-11-18T02:59:00'))).toBe(true);
    expect(isOpenAt(overnight, SH, sh('2024-11-18T03:00:00'))).toBe(false);
    expect(nextOpening(overnight, SH, sh('2024-11-18T03:00:00'))?.toISOString()).toBe(sh('2024-11-24T20:00:00').toISOString());
  });

  it('takes a store with no hours as open: nothing is off hours, nothing is scheduled', () => {
    expect(isOpenAt([], SH, sh('2024-11-11T03:00:00'))).toBe(true);
    expect(nextOpening([], SH, sh('2024-11-11T03:00:00'))).toBeNull();
  });

  it('reads the hours in the store own time zone, across a daylight-saving change', () => {
    const hours: OpeningHours[] = [{ dayOfWeek: 'SUNDAY', opens: '10:00', closes: '18:00' }];
    // Berlin leaves summer time on 2024-10-27 (Sunday) at 03:00; Saturday 23:00 is 21:00Z, Sunday 10:00 CET is 09:00Z.
    expect(nextOpening(hours, 'Europe/Berlin', new Date('2024-10-26T21:00:00Z'))?.toISOString()).toBe('2024-10-27T09:00:00.000Z');
  });
});
