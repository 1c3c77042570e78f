import { describe, expect, it } from 'vitest';
import { TEST_RECEIPT_KEY } from '../support/receipt-key';
import { parseConfig } from '../../../worker/settings/config';
import {
  acceptedAudiences,
  clientIdOf,
  clientIdSentence,
  deriveClientId,
} from '../../../worker/paypay/client-id';

/** A complete production configuration but for the key and client ID. */
const base = {
  PAYPAY_API_BASE_URL: 'https://paypay.test',
  PAYPAY_API_SECRET: 'c2VjcmV0',
  ALLOWED_ORIGINS: 'https://shop.example',
  CALLBACK_URL: 'https://kyc.example/v1/callback',
  MERCHANT_API_TOKEN: 'q3J9vX_2LmKp8ZtR4wYc7NdB1hGf6sUeA0oIjTkQ5aE',
  RECON_ALLOWED_HOSTS: 'files.paypay.test',
  WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24',
  WEBHOOK_PATH_TOKEN: 'path_token_0123456789abcdefghijklmnop',
  RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY,
};

describe('deriveClientId', () => {
  it.each([
    // A made-up key of the shape every published PayPay key has.
    ['a_Sh0pTest01_x7Q2', 'a_Sh0pTest01', 'paypay'],
    ['a_sandboxKyc_dev1', 'a_sandboxKyc', 'paypay'],
    ['a_0123456789_ABCD', 'a_0123456789', 'paypay'],
    // Not PayPay's usual shape, yet with a last `_` and 4 letters or digits to drop.
    ['merchant_key_1234', 'merchant_key', 'suffix'],
    ['a_short_abcd', 'a_short', 'suffix'],
    ['a_Sh0pTest01_x7Q2_x7y8', 'a_Sh0pTest01_x7Q2', 'suffix'],
  ])('derives the client ID of %s: %s (%s shape)', (apiKey, clientId, shape) => {
    expect(deriveClientId(apiKey)).toEqual({ clientId, shape });
  });

  it.each([
    ['no underscore', 'sandboxkey'],
    ['a last segment of 3', 'sandbox_key'],
    ['a last segment of 5', 'a_Sh0pTest01_x7Q2x'],
    ['a last segment with a dash', 'a_Sh0pTest01_9i-6'],
    ['nothing before the segment', '_abcd'],
    ['a client ID alone', 'a_s2I0wtx0gw'],
    ['a UUID', 'doctor_0f8e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b'],
  ])('derives nothing from a key with %s', (_, apiKey) => {
    expect(deriveClientId(apiKey)).toBeNull();
  });
});

describe('clientIdOf and acceptedAudiences', () => {
  it('prefers PAYPAY_CLIENT_ID to the derived client ID, and always accepts the API key', () => {
    const configured = clientIdOf('a_Panel00001', 'a_Sh0pTest01_x7Q2');
    expect(configured).toEqual({ source: 'configured', clientId: 'a_Panel00001' });
    expect(acceptedAudiences(configured, 'a_Sh0pTest01_x7Q2')).toEqual([
      'a_Panel00001',
      'a_Sh0pTest01_x7Q2',
    ]);
    const derived = clientIdOf(null, 'a_Sh0pTest01_x7Q2');
    expect(derived).toEqual({ source: 'derived', clientId: 'a_Sh0pTest01', shape: 'paypay' });
    expect(acceptedAudiences(derived, 'a_Sh0pTest01_x7Q2')).toEqual([
      'a_Sh0pTest01',
      'a_Sh0pTest01_x7Q2',
    ]);
  });

  it('accepts only the API key when no client ID can be derived', () => {
    const none = clientIdOf(null, 'sandbox_key');
    expect(none).toEqual({ source: 'none', why: 'no suffix' });
    expect(acceptedAudiences(none, 'sandbox_key')).toEqual(['sandbox_key']);
    expect(clientIdOf(null, null)).toEqual({ source: 'none', why: 'no key' });
  });

  it('says where the client ID comes from, never printing the API key', () => {
    const key = 'a_Sh0pTest01_x7Q2';
    const sentences = [
      clientIdSentence(clientIdOf('a_Panel00001', key)),
      clientIdSentence(clientIdOf(null, key)),
      clientIdSentence(clientIdOf(null, 'merchant_key_1234')),
      clientIdSentence(clientIdOf(null, 'sandbox_key')),
    ];
    expect(sentences).toEqual([
      'responseTokens are accepted for the client ID a_Panel00001 (PAYPAY_CLIENT_ID) or the API key.',
      "responseTokens are accepted for the client ID a_Sh0pTest01, derived from PAYPAY_API_KEY (PayPay's shape: a_ and 10 characters, then _ and 4; the last _ and 4 dropped), or the API key.",
      "responseTokens are accepted for the client ID merchant_key, derived from PAYPAY_API_KEY by dropping its last _ and 4 characters (the key is not PayPay's usual a_ and 10 characters, then _ and 4: check the client ID in PayPay's developer panel), or the API key.",
      'No client ID could be derived: PAYPAY_API_KEY does not end in _ and 4 characters and PAYPAY_CLIENT_ID is not set, so responseTokens are accepted only for the API key itself.',
    ]);
    for (const sentence of sentences) expect(sentence).not.toContain(key);
  });
});

describe('PAYPAY_CLIENT_ID in parseConfig', () => {
  it('derives the client ID from a PayPay-shaped key, with no problem or warning', () => {
    const config = parseConfig({ ...base, PAYPAY_API_KEY: 'a_Sh0pTest01_x7Q2' });
    expect(config.problems).toEqual([]);
    expect(config.warnings).toEqual([]);
    expect(config.paypay.clientId).toEqual({
      source: 'derived',
      clientId: 'a_Sh0pTest01',
      shape: 'paypay',
    });
  });

  it('takes PAYPAY_CLIENT_ID as configured, trimmed', () => {
    const config = parseConfig({
      ...base,
      PAYPAY_API_KEY: 'sandbox_key',
      PAYPAY_CLIENT_ID: ' a_Panel00001 ',
    });
    expect(config.problems).toEqual([]);
    expect(config.warnings).toEqual([]);
    expect(config.paypay.clientId).toEqual({ source: 'configured', clientId: 'a_Panel00001' });
  });

  it('warns, without refusing, when no client ID can be derived and none is set', () => {
    const config = parseConfig({ ...base, PAYPAY_API_KEY: 'sandbox_key' });
    expect(config.problems).toEqual([]);
    expect(config.warnings).toEqual([
      {
        setting: 'PAYPAY_CLIENT_ID',
        problem: 'missing',
        reason: expect.stringContaining('set PAYPAY_CLIENT_ID to the client ID'),
      },
    ]);
    expect(JSON.stringify(config.warnings)).not.toContain('sandbox_key');
  });

  it.each([
    ['a space', 'a_Panel 0001'],
    ['a control character', 'a_Panel\u00000001'],
    ['more than 128 characters', `a_${'x'.repeat(127)}`],
  ])('refuses a PAYPAY_CLIENT_ID with %s, by name only', (_, value) => {
    const config = parseConfig({ ...base, PAYPAY_API_KEY: 'k', PAYPAY_CLIENT_ID: value });
    expect(config.problems).toEqual([
      { setting: 'PAYPAY_CLIENT_ID', problem: 'invalid', reason: expect.any(String) },
    ]);
    expect(JSON.stringify(config.problems)).not.toContain(value);
  });
});
