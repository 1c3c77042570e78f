import { jstDay } from '../recon/period';

/** A calendar date, `yyyy-mm-dd`, that exists (no 2026-02-29). */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The parts of a real calendar date, or null. */
export function calendarDate(text: string): { year: number; month: number; day: number } | null {
  const match = DATE.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 02-30 over to 03-02: a date that does not exist comes back changed.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return null;
  return { year, month, day };
}

/**
 * A person's age on a calendar day, as Japanese law counts it: the Act on Age
 * Calculation (年齢計算ニ関スル法律) counts from the day of birth and applies Civil
 * Code art. 143, which makes each year end at the end of the day before the birthday, so
 * the new age holds from the birthday itself. Someone born on 29 February has
 * no such day in a common year: the year ends with February (art. 143(2)), so
 * the new age holds from 1 March. Comparing (month, day) gives exactly that,
 * since 28 February comes before 29 February and 1 March after it.
 * Null when either date is not a real one, or the birth is after the day.
 */
export function ageOn(birthDate: string, onDay: string): number | null {
  const birth = calendarDate(birthDate);
  const on = calendarDate(onDay);
  if (birth === null || on === null) return null;
  const beforeBirthday = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  const age = on.year - birth.year - (beforeBirthday ? 1 : 0);
  return age < 0 ? null : age;
}

/**
 * Whether the person is `years` or older at the instant `at`, on its day in
 * Japan time (JST, UTC+9, no daylight saving): the day of verification. Null
 * when the birth date is not a real date: never a guess.
 */
export function ageOver(years: number, birthDate: string, at: number): boolean | null {
  const age = ageOn(birthDate, jstDay(at));
  return age === null ? null : age >= years;
}
