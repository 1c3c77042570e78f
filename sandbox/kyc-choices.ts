// What the person on the phone page (or a test) may choose about the KYC info
// PayPay returns: a birth date that crosses an age threshold today, and how
// PayPay checked the identity. Pure: "today" is always passed in, so tests
// can pin any date. Imports nothing of the sandbox, so types.ts can name these.

/** One label in Japanese and English, as the phone page shows it. */
export type Label = readonly [ja: string, en: string];

/**
 * Birth dates relative to today in Japan time, each on one side of a
 * threshold of the Act on Age Calculation: a year is reached at the end of the
 * day before the birthday, so a person is 18 on their 18th birthday and 17
 * the day before. Ordered by age, as the picker shows them (a list: an
 * object would put the key "19" first).
 */
export const BIRTH_DATE_PRESETS = [
  'age-17',
  '18-tomorrow',
  '18-today',
  '19',
  '20-tomorrow',
  '20-today',
  'adult',
  'leap-day',
  'none',
] as const;

/** One birth-date preset's name. */
export type BirthDatePreset = (typeof BIRTH_DATE_PRESETS)[number];

/** What the phone page says of each preset. */
export const BIRTH_DATE_LABELS: Record<BirthDatePreset, Label> = {
  'age-17': ['17歳', '17 years old'],
  '18-tomorrow': ['明日18歳になる（今日は17歳）', 'turns 18 tomorrow (17 today)'],
  '18-today': ['今日18歳の誕生日', '18th birthday today'],
  '19': ['19歳', '19 years old'],
  '20-tomorrow': ['明日20歳になる（今日は19歳）', 'turns 20 tomorrow (19 today)'],
  '20-today': ['今日20歳の誕生日', '20th birthday today'],
  adult: ['35歳', '35 years old'],
  'leap-day': [
    '2月29日生まれ（平年は2月28日まで前の年齢、3月1日に1歳加算）',
    'born 29 February: in a common year still the younger age on 28 February, a year older on 1 March',
  ],
  none: ['生年月日なし（KYC情報に含まれない）', 'no birth date (absent from the KYC info)'],
};

/**
 * How PayPay checked the identity: each sets `eKycDocument.type` (and
 * `kycType`). The names are the sandbox's guesses: PayPay names the
 * `eKycDocument` field but publishes neither its values nor the other methods.
 */
export const DOCUMENTS = {
  MY_NUMBER_CARD: ['マイナンバーカード（ICチップ読み取り）', 'My Number Card (IC chip read)'],
  MY_NUMBER_CARD_JPKI: [
    'マイナンバーカード（公的個人認証）',
    'My Number Card (JPKI electronic signature)',
  ],
  DRIVERS_LICENSE: ['運転免許証（ICチップ読み取り）', "Driver's licence (IC chip read)"],
  DRIVERS_LICENSE_IMAGE: [
    '運転免許証（画像＋自撮り、2027年4月1日で廃止）',
    "Driver's licence (image + selfie; ends 2027-04-01)",
  ],
  RESIDENCE_CARD: ['在留カード（ICチップ読み取り）', 'Residence card (IC chip read)'],
  PASSPORT: ['パスポート（ICチップ読み取り）', 'Passport (IC chip read)'],
  COUNTER: ['窓口で確認（eKYC以外、書類なし）', 'At a counter (not eKYC, no eKycDocument)'],
} as const satisfies Record<string, Label>;

/** One document choice's name. */
export type DocumentChoice = keyof typeof DOCUMENTS;

/** The one choice that is a `kycType` of its own rather than an eKYC document. */
export const COUNTER = 'COUNTER' satisfies DocumentChoice;

/**
 * How the birth date is written in the KYC info, per merchant, so the Worker's
 * `PAYPAY_FIELDS.kyc.dateOfBirthFormats` can be exercised. `iso8601` is
 * midnight in Japan time with its offset.
 */
export const BIRTH_DATE_FORMATS = ['yyyy-MM-dd', 'yyyyMMdd', 'yyyy/MM/dd', 'iso8601'] as const;

/** One birth-date format. */
export type BirthDateFormat = (typeof BIRTH_DATE_FORMATS)[number];

/** True for a birth-date preset's name. */
export function isBirthDatePreset(value: unknown): value is BirthDatePreset {
  return (BIRTH_DATE_PRESETS as readonly unknown[]).includes(value);
}

/** True for a document choice's name. */
export function isDocumentChoice(value: unknown): value is DocumentChoice {
  return typeof value === 'string' && Object.hasOwn(DOCUMENTS, value);
}

/** True for a birth-date format. */
export function isBirthDateFormat(value: unknown): value is BirthDateFormat {
  return (BIRTH_DATE_FORMATS as readonly unknown[]).includes(value);
}

const JST_OFFSET_SECONDS = 9 * 3600;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar day in Japan time (UTC+9, no summer time) of an instant in epoch seconds. */
export function jstToday(epochSeconds: number): string {
  return new Date((epochSeconds + JST_OFFSET_SECONDS) * 1000).toISOString().slice(0, 10);
}

/**
 * The birth date (`yyyy-mm-dd`) of a preset when today in Japan is `todayJst`
 * (`yyyy-mm-dd`); null for `none`. `N-today` is the latest birth date of
 * someone who is N today (the Nth birthday; on 29 February of a leap year,
 * whose date N years back does not exist, the day before); `N-tomorrow` the day
 * after it, the earliest of someone still N-1. `leap-day` is 29 February of
 * the latest leap year at least 18 years back: 17 to 21 years old, so 18 and
 * 20 fall on a 1 March (common year) or 29 February (leap year) now and then.
 */
export function birthDateFor(preset: BirthDatePreset, todayJst: string): string | null {
  const today = parseDay(todayJst);
  switch (preset) {
    case 'age-17':
      return addDays(yearsBefore(today, 17), -100);
    case '18-today':
      return yearsBefore(today, 18);
    case '18-tomorrow':
      return addDays(yearsBefore(today, 18), 1);
    case '19':
      return addDays(yearsBefore(today, 19), -100);
    case '20-today':
      return yearsBefore(today, 20);
    case '20-tomorrow':
      return addDays(yearsBefore(today, 20), 1);
    case 'adult':
      return addDays(yearsBefore(today, 35), -100);
    case 'leap-day': {
      let year = today.year - 18;
      while (!isLeapYear(year)) year -= 1;
      return `${year}-02-29`;
    }
    case 'none':
      return null;
  }
}

/** A `yyyy-mm-dd` birth date written in `format`; anything else is left as it is. */
export function formatBirthDate(date: string, format: BirthDateFormat = 'yyyy-MM-dd'): string {
  const match = YMD.exec(date);
  if (!match) return date;
  const [, year, month, day] = match;
  switch (format) {
    case 'yyyy-MM-dd':
      return date;
    case 'yyyyMMdd':
      return `${year}${month}${day}`;
    case 'yyyy/MM/dd':
      return `${year}/${month}/${day}`;
    case 'iso8601':
      return `${date}T00:00:00+09:00`;
  }
}

interface Day {
  year: number;
  month: number;
  day: number;
}

function parseDay(text: string): Day {
  const match = YMD.exec(text);
  if (!match) throw new RangeError(`not a yyyy-mm-dd day: ${text}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The same month and day `years` earlier; 29 February becomes 28 in a common year. */
function yearsBefore(today: Day, years: number): string {
  const year = today.year - years;
  const day = today.month === 2 && today.day === 29 && !isLeapYear(year) ? 28 : today.day;
  return dayText(year, today.month, day);
}

function addDays(date: string, days: number): string {
  const { year, month, day } = parseDay(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function dayText(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
