import { parseOpeningHours, toOpeningHours, type OpeningHours } from '../src/domain/opening-hours';

const field = ['input', 'openingHours'];
const at = (dayOfWeek: OpeningHours['dayOfWeek'], opens: string, closes: string): OpeningHours => ({ dayOfWeek, opens, closes });

describe('parseOpeningHours', () => {
  test('accepts the whole day, midnight closing and touching intervals; sorts by day and time', () => {
    const { intervals, errors } = parseOpeningHours([at('SUNDAY', '00:00', '24:00'), at('MONDAY', '14:00', '22:00'), at('MONDAY', '10:00', '14:00')], field);
    expect(errors).toEqual([]);
    expect(intervals).toEqual([
      { day: 1, opensMin: 600, closesMin: 840 },
      { day: 1, opensMin: 840, closesMin: 1320 },
      { day: 7, opensMin: 0, closesMin: 1440 },
    ]);
    expect(intervals.map(toOpeningHours)).toEqual([at('MONDAY', '10:00', '14:00'), at('MONDAY', '14:00', '22:00'), at('SUNDAY', '00:00', '24:00')]);
  });

  test.each([
    [at('MONDAY', '24:00', '24:00'), '0.opens'],
    [at('MONDAY', '10:00', '00:00'), '0.closes'],
    [at('MONDAY', '7:00', '12:00'), '0.opens'],
    [at('MONDAY', '10:00', '12:60'), '0.closes'],
    [at('MONDAY', '10:00', '10:00'), '0.closes'],
    [at('MONDAY', '22:00', '02:00'), '0.closes'],
  ])('rejects %o at %s', (h, where) => {
    expect(parseOpeningHours([h], field).errors.map((e) => e.field?.slice(2).join('.'))).toEqual([where]);
  });

  test('reports overlaps at the later interval and more than four intervals a day', () => {
    const overlap = parseOpeningHours([at('TUESDAY', '12:00', '18:00'), at('TUESDAY', '10:00', '12:30'), at('WEDNESDAY', '12:00', '18:00')], field);
    expect(overlap.errors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'openingHours', '0', 'opens'] })]);
    const many = parseOpeningHours(['08', '10', '12', '14', '16'].map((h) => at('FRIDAY', `${h}:00`, `${h}:30`)), field);
    expect(many.errors.map((e) => e.field)).toEqual([['input', 'openingHours', '4']]);
  });
});
