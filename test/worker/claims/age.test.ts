import { describe, expect, it } from 'vitest';
import { ageOn, ageOver, calendarDate } from '../../../worker/claims/age';

// Issue 23: age_over_N as Japanese law counts it, on the day of verification in
// Japan time. JST is UTC+9: 00:00 JST on day D is 15:00 UTC on the day before.
const jst = (day: string, time: string) => Date.parse(`${day}T${time}+09:00`);

describe('ageOn', () => {
  it('turns a year older on the birthday, not the day before', () => {
    expect(ageOn('2006-05-05', '2026-05-04')).toBe(19);
    expect(ageOn('2006-05-05', '2026-05-05')).toBe(20);
    expect(ageOn('2006-05-05', '2026-05-06')).toBe(20);
  });

  it('born on 29 February: a year older from 1 March in a common year, on 29 February in a leap year', () => {
    expect(ageOn('2004-02-29', '2024-02-28')).toBe(19);
    expect(ageOn('2004-02-29', '2024-02-29')).toBe(20);
    expect(ageOn('2004-02-29', '2024-03-01')).toBe(20);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('refuses dates that do not exist, other formats, and a birth after the day', () => {
    for (const bad of ['2006-02-30', '2026-02-29', '2006-13-01', '2006-5-5', '20060505', '']) {
      expect(ageOn(bad, '2026-05-05'), bad).toBeNull();
    }
    expect(ageOn('2027-01-01', '2026-05-05')).toBeNull();
    expect(calendarDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });
});

describe('ageOver, on the day of verification in Japan time', () => {
  it('flips at 00:00 JST on the birthday: not at 23:59 the evening before', () => {
    expect(ageOver(20, '2006-05-05', jst('2026-05-04', '23:59:59'))).toBe(false);
    expect(ageOver(20, '2006-05-05', jst('2026-05-05', '00:00:00'))).toBe(true);
    expect(ageOver(18, '2008-05-05', jst('2026-05-04', '23:59:59'))).toBe(false);
    expect(ageOver(18, '2008-05-05', jst('2026-05-05', '00:00:00'))).toBe(true);
  });

  it('counts the Japanese day, not the UTC one', () => {
    // 2026-05-04T15:00Z is already 5 May in Japan, still 4 May in UTC.
    expect(ageOver(20, '2006-05-05', Date.parse('2026-05-04T15:00:00Z'))).toBe(true);
    expect(ageOver(20, '2006-05-05', Date.parse('2026-05-04T14:59:59Z'))).toBe(false);
  });

  it('29 February at the thresholds, at 23:59 and 00:00 JST', () => {
    // 2024 is a leap year: 20 on 29 February. 2026 is a common one: 18 from 1 March.
    expect(ageOver(20, '2004-02-29', jst('2024-02-28', '23:59:59'))).toBe(false);
    expect(ageOver(20, '2004-02-29', jst('2024-02-29', '00:00:00'))).toBe(true);
    expect(ageOver(18, '2008-02-29', jst('2026-02-28', '23:59:59'))).toBe(false);
    expect(ageOver(18, '2008-02-29', jst('2026-03-01', '00:00:00'))).toBe(true);
  });

  it('is null for a birth date that is not a real date: never a guess', () => {
    expect(ageOver(20, '2006-02-30', Date.now())).toBeNull();
    expect(ageOver(20, 'unknown', Date.now())).toBeNull();
  });
});
