import { logLine } from '../log';

/**
 * The merchant's client ID: what PayPay puts in a responseToken's `aud`
 * (docs/paypay-assumptions.md, "The responseToken's audience"). PayPay's
 * developer panel shows it; an API key is the client ID, `_` and four
 * characters, so when `PAYPAY_CLIENT_ID` is not set the Worker derives it.
 */
export type ClientId =
  | { source: 'configured'; clientId: string }
  | { source: 'derived'; clientId: string; shape: KeyShape }
  | { source: 'none'; why: 'no key' | 'no suffix' };

/**
 * `paypay`: `a_` and 10 letters or digits, then `_` and 4, as every published
 * key reads. `suffix`: some other key that still ends in `_` and 4 letters or
 * digits, dropped the same way.
 */
export type KeyShape = 'paypay' | 'suffix';

const PAYPAY_KEY = /^(a_[A-Za-z0-9]{10})_[A-Za-z0-9]{4}$/;
const TRAILING_SEGMENT = /^(.+)_[A-Za-z0-9]{4}$/;
/** Printable ASCII, no spaces: a client ID goes into log lines and answers as it is. */
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/** The client ID an API key implies, and the key's shape; null when it has no `_xxxx` to drop. */
export function deriveClientId(apiKey: string): { clientId: string; shape: KeyShape } | null {
  const paypay = PAYPAY_KEY.exec(apiKey);
  if (paypay) return { clientId: paypay[1]!, shape: 'paypay' };
  const suffix = TRAILING_SEGMENT.exec(apiKey);
  if (suffix) return { clientId: suffix[1]!, shape: 'suffix' };
  return null;
}

/** Whether `PAYPAY_CLIENT_ID` can be used as given. */
export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

/** The client ID to expect: the configured one, else the one the API key implies. */
export function clientIdOf(configured: string | null, apiKey: string | null): ClientId {
  if (configured !== null) return { source: 'configured', clientId: configured };
  if (apiKey === null) return { source: 'none', why: 'no key' };
  const derived = deriveClientId(apiKey);
  return derived === null
    ? { source: 'none', why: 'no suffix' }
    : { source: 'derived', ...derived };
}

/** The audiences a responseToken may carry: the client ID, then the API key. */
export function acceptedAudiences(clientId: ClientId, apiKey: string): string[] {
  return clientId.source === 'none' || clientId.clientId === apiKey
    ? [apiKey]
    : [clientId.clientId, apiKey];
}

/**
 * Where the client ID comes from, in words, with the client ID but never the
 * API key (a client ID is no secret; the key is the client ID and four more
 * characters). `/healthz` and the doctor's settings row say this.
 */
export function clientIdSentence(clientId: ClientId): string {
  switch (clientId.source) {
    case 'configured':
      return `responseTokens are accepted for the client ID ${clientId.clientId} (PAYPAY_CLIENT_ID) or the API key.`;
    case 'derived':
      return clientId.shape === 'paypay'
        ? `responseTokens are accepted for the client ID ${clientId.clientId}, derived from PAYPAY_API_KEY (PayPay's shape: a_ and 10 characters, then _ and 4; the last _ and 4 dropped), or the API key.`
        : `responseTokens are accepted for the client ID ${clientId.clientId}, derived from PAYPAY_API_KEY by dropping its last _ and 4 characters (the key is not PayPay's usual a_ and 10 characters, then _ and 4: check the client ID in PayPay's developer panel), or the API key.`;
    case 'none':
      return clientId.why === 'no key'
        ? 'No client ID: neither PAYPAY_CLIENT_ID nor PAYPAY_API_KEY is set.'
        : 'No client ID could be derived: PAYPAY_API_KEY does not end in _ and 4 characters and PAYPAY_CLIENT_ID is not set, so responseTokens are accepted only for the API key itself.';
  }
}

/** What the Worker expects in `aud`, in words, for the refusal's log line (the key unprinted). */
export function expectedAudience(clientId: ClientId): string {
  switch (clientId.source) {
    case 'configured':
      return `the client ID ${clientId.clientId} (PAYPAY_CLIENT_ID) or the API key`;
    case 'derived':
      return `the client ID ${clientId.clientId} (derived from PAYPAY_API_KEY) or the API key`;
    case 'none':
      return 'the API key (no client ID: PAYPAY_API_KEY does not end in _ and 4 characters and PAYPAY_CLIENT_ID is not set)';
  }
}

/**
 * The line a refused audience writes: the `aud` PayPay sent, what was expected
 * (the client ID by value, the API key only by name) and the fix. Every real
 * callback fails the same way until it is fixed, so it is an error.
 */
export function logRefusedAudience(seen: string[], clientId: ClientId, requestId: string): void {
  const [first] = seen;
  let fix: string;
  if (first === undefined)
    fix = 'the token has no aud as text: ask PayPay which audience its responseTokens carry';
  else if (seen.length === 1)
    fix = `if ${first} is your client ID (PayPay's developer panel), set PAYPAY_CLIENT_ID to ${first}`;
  else
    fix = `set PAYPAY_CLIENT_ID to the one of ${seen.join(', ')} that is your client ID (PayPay's developer panel)`;
  logLine('error', 'paypay', {
    what: 'responseToken refused: its aud is not this merchant',
    audienceSeen: seen,
    audienceExpected: expectedAudience(clientId),
    fix: `${fix} (docs/deploy.md, step 5)`,
    requestId,
  });
}
