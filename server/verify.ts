import type { components } from './api-types.js';
import { KycPassportError } from './errors.js';

type FeedEvent = components['schemas']['FeedEvent'];

/** The body the Worker POSTs to MERCHANT_WEBHOOK_URL: the Standard Webhooks envelope. */
export type ForwardedEvent = components['schemas']['ForwardedEvent'];

/**
 * A request's headers: a fetch `Headers` (Workers, Deno, Bun, Hono, Next.js), or a
 * plain object of any case (Node's `IncomingHttpHeaders`, Express's `req.headers`).
 */
export type HeadersLike =
  { get(name: string): string | null } | Record<string, string | readonly string[] | undefined>;

export interface VerifyOptions {
  /** The time to check `webhook-timestamp` against: epoch ms or a Date (tests); now by default. */
  now?: number | Date;
  /**
   * How far `webhook-timestamp` may be from `now`, either way; 300 (5 minutes) by
   * default. Not a finite number of 0 or more: a `TypeError` (so is a `now` that is not finite).
   */
  toleranceSeconds?: number;
  /**
   * Where verified messages are remembered, to refuse a replay: by default one
   * guard for the whole process (or isolate); `null` turns the check off.
   */
  replayGuard?: ReplayGuard | null;
}

const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/**
 * Remembers the messages `verifyEvent` accepted (webhook-id and timestamp) until
 * their timestamp leaves the tolerance window, at most `capacity` of them (the
 * oldest are forgotten first). In memory: it sees replays to this process (or
 * isolate) only; the timestamp check covers the rest after 5 minutes.
 */
export class ReplayGuard {
  readonly #capacity: number;
  /** message key -> epoch seconds after which a replay is refused by its timestamp anyway */
  readonly #seen = new Map<string, number>();

  constructor(capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new TypeError('ReplayGuard: capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /** How many messages are remembered now. */
  get size(): number {
    return this.#seen.size;
  }

  /** False if `key` was seen and is still in its window; else remembers it and answers true. */
  admit(key: string, expiresAt: number, now: number): boolean {
    const known = this.#seen.get(key);
    if (known !== undefined && known >= now) return false;
    this.#seen.delete(key);
    // Insertion order is roughly expiry order: drop the expired from the front, then the oldest.
    for (const [old, until] of this.#seen) {
      if (until >= now && this.#seen.size < this.#capacity) break;
      this.#seen.delete(old);
    }
    this.#seen.set(key, expiresAt);
    return true;
  }
}

const processGuard = new ReplayGuard();

/**
 * Checks an event the Worker forwarded to MERCHANT_WEBHOOK_URL, per Standard
 * Webhooks, and returns the feed event it carries (the body's `data`).
 *
 * - `payload`: the raw body, exactly as received (string or bytes), never
 *   re-serialized JSON: the signature covers the bytes.
 * - `headers`: the request's headers (`webhook-id`, `webhook-timestamp`,
 *   `webhook-signature`, any case).
 * - `secret`: `MERCHANT_WEBHOOK_SECRET` (`whsec_` + base64; the bare base64 or
 *   the key bytes also do).
 *
 * Throws a `KycPassportError` (a `VerifyErrorCode`) for a missing header, a
 * timestamp more than 5 minutes off either way, no matching `v1` signature, or a
 * replay of a message already verified here. A redelivery of the same event
 * (after your non-2xx) is a new message, with a new timestamp: it passes, so
 * de-duplicate on the event's `id`. `REPLAYED` is thrown only for a correctly
 * signed message: answering it 2xx is safe. Options that would turn the checks
 * off (a `now` or `toleranceSeconds` that is NaN, infinite, or a negative
 * tolerance) reject with a `TypeError`, before anything is verified.
 */
export async function verifyEvent(
  payload: string | Uint8Array | ArrayBuffer,
  headers: HeadersLike,
  secret: string | Uint8Array,
  options: VerifyOptions = {},
): Promise<FeedEvent> {
  const { nowMs, tolerance } = clockOf(options);
  const key = await hmacKey(secret);
  const body = bytesOf(payload);
  const id = headerOf(headers, 'webhook-id');
  const timestamp = headerOf(headers, 'webhook-timestamp');
  const signatures = headerOf(headers, 'webhook-signature');

  if (!/^\d{1,15}$/.test(timestamp))
    throw new KycPassportError('INVALID_TIMESTAMP', 'webhook-timestamp is not Unix seconds');
  const now = Math.floor(nowMs / 1000);
  const sentAt = Number(timestamp);
  if (sentAt < now - tolerance)
    throw new KycPassportError(
      'TIMESTAMP_TOO_OLD',
      `webhook-timestamp is ${now - sentAt} s old (more than ${tolerance} s)`,
    );
  if (sentAt > now + tolerance)
    throw new KycPassportError(
      'TIMESTAMP_TOO_NEW',
      `webhook-timestamp is ${sentAt - now} s ahead (more than ${tolerance} s)`,
    );

  const signed = concat(new TextEncoder().encode(`${id}.${timestamp}.`), body);
  const expected = new Uint8Array(await subtle().sign('HMAC', key, signed));
  let matched = false;
  for (const entry of signatures.split(/[\s]+/)) {
    // Node joins a repeated header with ", ": a trailing comma is not part of the base64.
    const [version, value] = entry.replace(/,$/, '').split(',', 2);
    if (version !== 'v1' || !value) continue;
    const candidate = decodeBase64(value);
    // Every candidate is compared, each in constant time: no early exit to time.
    if (candidate !== null && constantTimeEqual(candidate, expected)) matched = true;
  }
  if (!matched)
    throw new KycPassportError(
      'INVALID_SIGNATURE',
      'No v1 signature in webhook-signature matches this body and secret',
    );

  const event = forwardedEventOf(body);
  const guard = options.replayGuard === undefined ? processGuard : options.replayGuard;
  if (guard !== null && !guard.admit(`${id}\n${timestamp}`, sentAt + tolerance, now))
    throw new KycPassportError(
      'REPLAYED',
      'This message (same webhook-id and webhook-timestamp) was verified before',
    );
  return event.data;
}

/**
 * The clock and tolerance to check against. NaN or Infinity would make every
 * timestamp comparison pass and the replay guard remember nothing, turning both
 * checks off without a word: a programming error, so a TypeError, not a verdict.
 */
function clockOf(options: VerifyOptions): { nowMs: number; tolerance: number } {
  const nowMs = options.now === undefined ? Date.now() : Number(options.now);
  if (!Number.isFinite(nowMs))
    throw new TypeError('verifyEvent: now must be a finite epoch-ms number or a valid Date');
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0)
    throw new TypeError(
      'verifyEvent: toleranceSeconds must be a finite number of seconds, 0 or more',
    );
  return { nowMs, tolerance };
}

async function hmacKey(secret: string | Uint8Array): Promise<CryptoKey> {
  let bytes: Uint8Array | null;
  if (typeof secret === 'string') {
    const text = secret.trim();
    bytes = decodeBase64(text.startsWith('whsec_') ? text.slice(6) : text);
  } else bytes = secret instanceof Uint8Array ? secret : null;
  if (bytes === null || bytes.length === 0)
    throw new KycPassportError(
      'INVALID_SECRET',
      'The secret must be MERCHANT_WEBHOOK_SECRET: whsec_ followed by base64',
    );
  return subtle().importKey(
    'raw',
    new Uint8Array(bytes),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

/** WebCrypto: global on Node 20+, Workers, Deno and Bun; Node 18 has it behind a flag only. */
function subtle(): SubtleCrypto {
  const found = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!found)
    throw new TypeError(
      'verifyEvent needs WebCrypto (globalThis.crypto.subtle): use Node 20+, or run Node 18 with --experimental-global-webcrypto',
    );
  return found;
}

function bytesOf(payload: unknown): Uint8Array {
  if (typeof payload === 'string') return new TextEncoder().encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new KycPassportError(
    'INVALID_PAYLOAD',
    'Pass the raw body (a string or bytes), not parsed JSON: the signature covers the exact bytes',
  );
}

/** One header's value, any case; repeated signatures are joined, other repeats refused. */
function headerOf(headers: HeadersLike, name: string): string {
  let value: string | readonly string[] | null | undefined;
  if (typeof headers.get === 'function') {
    value = (headers as { get(name: string): string | null }).get(name);
  } else {
    const plain = headers as Record<string, string | readonly string[] | undefined>;
    const keys = Object.keys(plain).filter((k) => k.toLowerCase() === name);
    const values = keys.flatMap((k) => plain[k] ?? []);
    value = values.length === 0 ? undefined : values;
  }
  if (Array.isArray(value)) {
    const list = value as readonly string[];
    value = name === 'webhook-signature' ? list.join(' ') : list.length === 1 ? list[0] : undefined;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw new KycPassportError('MISSING_HEADERS', `No single ${name} header`);
  return text;
}

function forwardedEventOf(body: Uint8Array): ForwardedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    parsed = undefined;
  }
  const data = isObject(parsed) ? parsed.data : undefined;
  if (
    !isObject(parsed) ||
    !isObject(data) ||
    typeof data.id !== 'string' ||
    typeof data.type !== 'string'
  )
    throw new KycPassportError(
      'INVALID_PAYLOAD',
      'The signed body is not a forwarded event ({type, timestamp, data})',
    );
  return parsed as unknown as ForwardedEvent;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Equal bytes, in time that depends on the lengths only (the length of an HMAC is no secret). */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
