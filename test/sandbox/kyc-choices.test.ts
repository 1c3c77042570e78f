import { describe, expect, it } from 'vitest';
import { ageOn } from '../../worker/claims/age';
import {
  BIRTH_DATE_PRESETS,
  birthDateFor,
  formatBirthDate,
  jstToday,
  type BirthDatePreset,
} from '../../sandbox/kyc-choices';

// The birth-date presets are a pure function of "today": pinned here to any day,
// and checked against the Worker's own count of ages (the Act on Age Calculation).

/** Every day from `from` to `to`, both included, as yyyy-mm-dd. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe('birthDateFor', () => {
  it('counts each preset from the day it is given', () => {
    const presets = [...BIRTH_DATE_PRESETS];
    const on = Object.fromEntries(presets.map((p) => [p, birthDateFor(p, '2026-12-04')]));
    expect(on).toEqual({
      'age-17': '2009-08-26',
      '18-tomorrow': '2008-12-05',
      '18-today': '2008-12-04',
      '19': '2007-08-26',
      '20-tomorrow': '2006-12-05',
      '20-today': '2006-12-04',
      adult: '1991-08-26',
      'leap-day': '2008-02-29',
      none: null,
    });
  });

  it('gives each preset its age on every day of six years, leap days included', () => {
    const ages: Partial<Record<BirthDatePreset, number>> = {
      'age-17': 17,
      '18-tomorrow': 17,
      '18-today': 18,
      '19': 19,
      '20-tomorrow': 19,
      '20-today': 20,
      adult: 35,
    };
    for (const today of days('2027-01-01', '2032-12-31')) {
      for (const [preset, age] of Object.entries(ages)) {
        const birth = birthDateFor(preset as BirthDatePreset, today)!;
        expect(ageOn(birth, today), `${preset} on ${today}`).toBe(age);
      }
      for (const n of [18, 20] as const) {
        const latest = birthDateFor(`${n}-today`, today)!;
        // The pair straddles the threshold: one day apart, N today and N-1 today.
        expect(birthDateFor(`${n}-tomorrow`, today), `${n} on ${today}`).toBe(nextDay(latest));
        // N-tomorrow is N tomorrow unless tomorrow is a 29 February nobody was born on N years back.
        const tomorrow = nextDay(today);
        if (!tomorrow.endsWith('-02-29') || n === 20)
          expect(ageOn(birthDateFor(`${n}-tomorrow`, today)!, tomorrow)).toBe(n);
      }
    }
  });

  it('N-today on a 29 February of a leap year is the 28th, whose Nth birthday was yesterday', () => {
    expect(birthDateFor('18-today', '2028-02-29')).toBe('2010-02-28');
    expect(birthDateFor('18-tomorrow', '2028-02-29')).toBe('2010-03-01');
    // 20 years back is a leap year too: the 20th birthday is today itself.
    expect(birthDateFor('20-today', '2028-02-29')).toBe('2008-02-29');
    expect(birthDateFor('20-tomorrow', '2028-02-29')).toBe('2008-03-01');
  });

  it('leap-day is born on 29 February, a year older on 1 March of a common year', () => {
    expect(birthDateFor('leap-day', '2026-02-28')).toBe('2008-02-29');
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(birthDateFor('leap-day', '2026-03-01')).toBe('2008-02-29');
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    // The common-year 28 February is the day before: 18-tomorrow is the leap-day person then.
    expect(birthDateFor('18-tomorrow', '2026-02-28')).toBe('2008-02-29');
    for (const today of days('2027-01-01', '2032-12-31')) {
      const birth = birthDateFor('leap-day', today)!;
      expect(birth.endsWith('-02-29'), today).toBe(true);
      expect(ageOn(birth, today), today).toBeGreaterThanOrEqual(17);
      expect(ageOn(birth, today), today).toBeLessThanOrEqual(21);
    }
  });

  it('crosses the year boundary', () => {
    expect(birthDateFor('18-tomorrow', '2026-12-31')).toBe('2009-01-01');
    expect(birthDateFor('20-today', '2027-01-01')).toBe('2007-01-01');
  });
});

describe('jstToday', () => {
  it('turns the day at 15:00 UTC, midnight in Japan', () => {
    expect(jstToday(Date.parse('2026-12-04T14:59:59Z') / 1000)).toBe('2026-12-04');
    expect(jstToday(Date.parse('2026-12-04T15:00:00Z') / 1000)).toBe('2026-12-05');
  });
});

describe('formatBirthDate', () => {
  it('writes a yyyy-mm-dd date in each format, and anything else as it is', () => {
    expect(formatBirthDate('2008-02-29')).toBe('2008-02-29');
    expect(formatBirthDate('2008-02-29', 'yyyy-MM-dd')).toBe('2008-02-29');
    expect(formatBirthDate('2008-02-29', 'yyyyMMdd')).toBe('20080229');
    expect(formatBirthDate('2008-02-29', 'yyyy/MM/dd')).toBe('2008/02/29');
    expect(formatBirthDate('2008-02-29', 'iso8601')).toBe('2008-02-29T00:00:00+09:00');
    expect(formatBirthDate('19900401', 'yyyy/MM/dd')).toBe('19900401');
  });
});
