import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryable,
  parseRetryAfter,
} from '../../../worker/paypay/retry';

describe('isRetryable', () => {
  it('retries reads on 429, 5xx, timeouts and broken connections', () => {
    for (const status of [429, 500, 502, 503, 504]) {
      expect(isRetryable('read', { status, code: 'X', kind: 'api' })).toBe(true);
    }
    expect(isRetryable('read', { status: null, code: 'TIMEOUT', kind: 'timeout' })).toBe(true);
    expect(isRetryable('read', { status: null, code: 'NETWORK_ERROR', kind: 'network' })).toBe(
      true,
    );
  });

  it('does not retry reads on 4xx answers other than 429', () => {
    for (const status of [400, 401, 404]) {
      expect(isRetryable('read', { status, code: 'X', kind: 'api' })).toBe(false);
    }
  });

  it('retries creates only on RATE_LIMIT and MAINTENANCE_MODE', () => {
    expect(isRetryable('create', { status: 429, code: 'RATE_LIMIT', kind: 'api' })).toBe(true);
    expect(isRetryable('create', { status: 503, code: 'MAINTENANCE_MODE', kind: 'api' })).toBe(
      true,
    );
    expect(isRetryable('create', { status: 500, code: 'INTERNAL_SERVER_ERROR', kind: 'api' })).toBe(
      false,
    );
    expect(isRetryable('create', { status: 503, code: 'BAD_RESPONSE', kind: 'bad_response' })).toBe(
      false,
    );
    expect(isRetryable('create', { status: 502, code: 'BAD_RESPONSE', kind: 'bad_response' })).toBe(
      false,
    );
    expect(isRetryable('create', { status: null, code: 'TIMEOUT', kind: 'timeout' })).toBe(false);
    expect(isRetryable('create', { status: null, code: 'NETWORK_ERROR', kind: 'network' })).toBe(
      false,
    );
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, jittered below the ceiling', () => {
    const max = () => 0.999999;
    expect(backoffDelay(DEFAULT_RETRY, 1, max, null)).toBe(199);
    expect(backoffDelay(DEFAULT_RETRY, 2, max, null)).toBe(399);
    expect(backoffDelay(DEFAULT_RETRY, 10, max, null)).toBe(1999);
    expect(backoffDelay(DEFAULT_RETRY, 3, () => 0, null)).toBe(0);
  });

  it('honours Retry-After within the cap', () => {
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0, 1)).toBe(1000);
    expect(backoffDelay(DEFAULT_RETRY, 1, () => 0, 60)).toBe(DEFAULT_RETRY.maxDelayMs);
  });
});

describe('parseRetryAfter', () => {
  it('reads small integers and ignores anything else', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeNull();
    expect(parseRetryAfter('-1')).toBeNull();
  });
});
