import { FOREIGN_STATUS_SCOPE } from '../shared/paypay-codes';
import { birthDateFor, COUNTER, formatBirthDate, type BirthDateFormat } from './kyc-choices';
import type { Identity, SandboxUser } from './types';

/** What the KYC info depends on besides the user: the day it is read, the merchant's format. */
export interface KycContext {
  /** Today in Japan time, `yyyy-mm-dd`: birth-date presets count from it. */
  today: string;
  birthDateFormat?: BirthDateFormat | undefined;
}

/**
 * The KYC info payload. PayPay does not publish its shape (docs/paypay-assumptions.md,
 * "the KYC info"), so this is our guess in one place: realistic Japanese data,
 * different per user so tests can tell users apart, the same for the same user.
 */
export interface KycData {
  userAuthorizationId: string;
  kycStatus: 'COMPLETED';
  kycType: SandboxUser['kycType'];
  /** Epoch seconds. */
  kycCompletedAt: number;
  name: { lastName: string; firstName: string; lastNameKana: string; firstNameKana: string };
  /** Absent when the phone chose the `none` birth date. */
  dateOfBirth?: string;
  gender: 'MALE' | 'FEMALE';
  address: {
    postalCode: string;
    prefecture: string;
    city: string;
    addressLine1: string;
    addressLine2: string;
  };
  /** Absent for a `COUNTER` check, which involves no eKYC document. */
  eKycDocument?: { type: string };
  /** Only in "Fetch KYC info of completed KYC Passport QR" (PayPay added it 2026-03-27). */
  selfieImageUrl?: string;
  /** Only with the `kyc_foreign_status` scope (PayPay, 2025-11-28). */
  residenceType?: string;
  expiryDate?: string;
}

const LAST_NAMES = [
  ['山田', 'ヤマダ'],
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'],
  ['中村', 'ナカムラ'],
] as const;

const FIRST_NAMES = [
  ['太郎', 'タロウ', 'MALE'],
  ['花子', 'ハナコ', 'FEMALE'],
  ['健太', 'ケンタ', 'MALE'],
  ['美咲', 'ミサキ', 'FEMALE'],
  ['翔太', 'ショウタ', 'MALE'],
  ['結衣', 'ユイ', 'FEMALE'],
] as const;

const ADDRESSES = [
  { postalCode: '100-0001', prefecture: '東京都', city: '千代田区', addressLine1: '千代田1-1' },
  { postalCode: '530-0001', prefecture: '大阪府', city: '大阪市北区', addressLine1: '梅田1-1-3' },
  { postalCode: '810-0001', prefecture: '福岡県', city: '福岡市中央区', addressLine1: '天神1-8-1' },
] as const;

/** The documents of a user who chose none (a foreign resident has the residence card). */
const DOCUMENTS = ['MY_NUMBER_CARD', 'DRIVERS_LICENSE'] as const;

/** The KYC info of `user` on `context.today`; `selfieImageUrl` only for the completed-QR fetch. */
export function kycData(user: SandboxUser, context: KycContext, selfieImageUrl?: string): KycData {
  const h = hash(user.userAuthorizationId);
  const [lastName, lastNameKana] = pick(LAST_NAMES, h);
  const [firstName, firstNameKana, gender] = pick(FIRST_NAMES, h >>> 4);
  const foreign = user.scopes.includes(FOREIGN_STATUS_SCOPE);
  const dateOfBirth = birthDateOf(user, context.today);
  // A foreign resident proves identity with the residence card.
  const document = user.document ?? (foreign ? 'RESIDENCE_CARD' : pick(DOCUMENTS, h >>> 26));
  return {
    userAuthorizationId: user.userAuthorizationId,
    kycStatus: 'COMPLETED',
    kycType: user.kycType,
    kycCompletedAt: user.kycCompletedAt,
    name: {
      lastName: user.identity?.lastName ?? lastName,
      firstName: user.identity?.firstName ?? firstName,
      lastNameKana: user.identity?.lastNameKana ?? lastNameKana,
      firstNameKana: user.identity?.firstNameKana ?? firstNameKana,
    },
    ...(dateOfBirth !== null
      ? { dateOfBirth: formatBirthDate(dateOfBirth, context.birthDateFormat) }
      : {}),
    gender,
    address: { ...pick(ADDRESSES, h >>> 23), addressLine2: '' },
    ...(document !== COUNTER ? { eKycDocument: { type: document } } : {}),
    ...(selfieImageUrl !== undefined ? { selfieImageUrl } : {}),
    ...(foreign ? { residenceType: 'PERMANENT_RESIDENT', expiryDate: '2030-03-31' } : {}),
  };
}

/**
 * The user's birth date as the sandbox knows it (`yyyy-mm-dd`, or as the
 * merchant's kycData wrote it), null when the phone chose none: a preset
 * first (the person on the phone said so), then the identity the merchant
 * expected, then one made up from the id.
 */
function birthDateOf(user: SandboxUser, today: string): string | null {
  if (user.birthDate !== undefined) return birthDateFor(user.birthDate, today);
  if (user.identity) return user.identity.dateOfBirth;
  const h = hash(user.userAuthorizationId);
  const year = 1960 + ((h >>> 8) % 45);
  const month = 1 + ((h >>> 14) % 12);
  const day = 1 + ((h >>> 18) % 28);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Four digits for the masked phone number, stable per user. */
export function phoneLast4(userAuthorizationId: string): string {
  return String(hash(userAuthorizationId) % 10_000).padStart(4, '0');
}

/** FNV-1a: a cheap stable spread of the id over the tables above. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function pick<T>(items: readonly T[], h: number): T {
  const item = items[h % items.length];
  if (item === undefined) throw new Error('empty table');
  return item;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The kycData fields compared with the user's KYC (our guess at PayPay's names). */
const MATCHED_FIELDS = [
  'lastName',
  'firstName',
  'lastNameKana',
  'firstNameKana',
  'dateOfBirth',
] as const;

/**
 * PayPay's "KYC data match": every field the merchant sent must equal the
 * user's KYC, after Unicode normalisation (full/half width) and trimming.
 */
export function kycDataMatches(
  expected: Record<string, unknown>,
  user: SandboxUser,
  today: string,
): boolean {
  const kyc = kycData(user, { today });
  const actual: Record<string, string> = { ...kyc.name, dateOfBirth: kyc.dateOfBirth ?? '' };
  const norm = (value: string) => value.normalize('NFKC').trim();
  return MATCHED_FIELDS.every((field) => {
    const wanted = expected[field];
    return typeof wanted !== 'string' || norm(wanted) === norm(actual[field] ?? '');
  });
}

/** Someone other than the person the merchant expects. */
export function otherPerson(expected: Record<string, unknown>): Identity {
  const sato = {
    lastName: '佐藤',
    firstName: '花子',
    lastNameKana: 'サトウ',
    firstNameKana: 'ハナコ',
    dateOfBirth: '1985-10-12',
  };
  return expected.lastName === sato.lastName
    ? {
        lastName: '鈴木',
        firstName: '一郎',
        lastNameKana: 'スズキ',
        firstNameKana: 'イチロウ',
        dateOfBirth: '1972-02-29',
      }
    : sato;
}

/** The identity the merchant expects, read from its kycData (strings only). */
export function expectedPerson(expected: Record<string, unknown>): Identity {
  const text = (key: string) =>
    typeof expected[key] === 'string' ? (expected[key] as string) : undefined;
  return {
    lastName: text('lastName') ?? '山田',
    firstName: text('firstName') ?? '太郎',
    ...(text('lastNameKana') ? { lastNameKana: text('lastNameKana')! } : {}),
    ...(text('firstNameKana') ? { firstNameKana: text('firstNameKana')! } : {}),
    dateOfBirth: text('dateOfBirth') ?? '1990-04-01',
  };
}
