import {
  FAILURE_REASONS,
  LANGS,
  SESSION_STATUSES,
  type FailureReason,
  type Lang,
  type SessionStatus,
} from '../../shared/wire';
import { sameString } from '../compare';
import { hmacSha256 } from '../hmac';
import { decodeBase64, encodeBase64Url } from '../paypay/base64';
import type { PageKind } from './callback-page';

/** Where the phone is sent once its responseToken is used: the page, with no token in the URL. */
export const DONE_PATH = '/v1/callback/done';

/**
 * How long a done URL shows its outcome: the responseToken's own longest life.
 * Later (a reload from history, a link passed on) it shows the invalid page.
 */
export const OUTCOME_TTL_SECONDS = 15 * 60;

/** What the done page shows: the outcome, in the phone's language, with the callback's request id. */
export interface Outcome {
  page: PageKind;
  lang: Lang;
  /** The request id of the callback that did the work (what support looks up). */
  requestId: string;
}

/** The bytes of the MAC kept in the URL: 128 bits, as many as a session's secret. */
const MAC_BYTES = 16;

/**
 * The token-free URL of an outcome: its parts in plain sight (none is secret:
 * whether a verification went through is the phone holder's own business) and
 * an HMAC over them, keyed from PAYPAY_API_SECRET, so nobody can make the
 * merchant's domain show "verified" for a verification that did not happen.
 */
export async function outcomeUrl(
  base: string,
  outcome: Outcome,
  apiSecret: string,
  now = Date.now(),
): Promise<URL> {
  const url = new URL(DONE_PATH, base);
  const { page } = outcome;
  const params: [string, string][] = [['outcome', page.kind]];
  if (page.kind === 'failed') params.push(['reason', page.reason]);
  if (page.kind === 'already') params.push(['status', page.status]);
  params.push(['lang', outcome.lang], ['ref', outcome.requestId]);
  params.push(['at', String(Math.floor(now / 1000))]);
  for (const [name, value] of params) url.searchParams.set(name, value);
  url.searchParams.set('sig', await macOf(canonical(params), apiSecret));
  return url;
}

/**
 * The outcome a done URL carries, or null when it was not made by this Worker
 * (a part altered, added or missing, another key) or is older than
 * OUTCOME_TTL_SECONDS.
 */
export async function readOutcome(
  url: URL,
  apiSecret: string,
  now = Date.now(),
): Promise<Outcome | null> {
  const query = url.searchParams;
  const params = [...query].filter(([name]) => name !== 'sig');
  const sig = query.getAll('sig');
  if (sig.length !== 1 || new Set(params.map(([name]) => name)).size !== params.length) return null;
  const expected = await macOf(canonical(params), apiSecret);
  if (!sameString(sig[0] ?? '', expected)) return null;
  const at = Number(query.get('at'));
  const age = Math.floor(now / 1000) - at;
  if (!Number.isInteger(at) || age < 0 || age > OUTCOME_TTL_SECONDS) return null;
  const page = pageOf(query);
  const lang = LANGS.find((l) => l === query.get('lang'));
  const requestId = query.get('ref');
  if (page === null || lang === undefined || requestId === null) return null;
  return { page, lang, requestId };
}

function pageOf(query: URLSearchParams): PageKind | null {
  const kind = query.get('outcome');
  if (kind === 'completed' || kind === 'expired' || kind === 'invalid') return { kind };
  if (kind === 'failed') {
    const reason = FAILURE_REASONS.find((r): r is FailureReason => r === query.get('reason'));
    return reason === undefined ? null : { kind, reason };
  }
  if (kind === 'already') {
    const status = SESSION_STATUSES.find((s): s is SessionStatus => s === query.get('status'));
    return status === undefined ? null : { kind, status };
  }
  return null;
}

/** The signed text: every part, in order, each name and value on its own terms. */
function canonical(params: [string, string][]): string {
  return JSON.stringify(['callback-outcome-v1', ...params]);
}

async function macOf(text: string, apiSecret: string): Promise<string> {
  // A key of its own, derived from the secret: the MAC can never be mistaken for anything PayPay signs.
  const secret = decodeBase64(apiSecret) ?? new TextEncoder().encode(apiSecret);
  const derived = await hmacSha256(secret, 'paypay-kyc-passport callback outcome key');
  const mac = await hmacSha256(derived, text);
  return encodeBase64Url(mac.slice(0, MAC_BYTES));
}
