import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { verifyResponseToken } from '../../../worker/paypay/jwt';
import { signToken, TEST_SECRET } from '../support/jwt';

const NOW = 1_790_000_000_000;
/** A client ID and its API key, of PayPay's shape (docs/paypay-assumptions.md). */
const CLIENT_ID = 'a_Client0001';
const API_KEY = `${CLIENT_ID}_k3y9`;
const options = {
  audiences: [CLIENT_ID, API_KEY],
  apiSecret: TEST_SECRET,
  expectedNonce: 'nonce-abc',
  now: NOW,
};
/** PayPay's claims: `aud` is the merchant's client ID. */
const claims = {
  iss: 'paypay.ne.jp',
  aud: CLIENT_ID,
  exp: NOW / 1000 + 300,
  result: 'succeeded',
  nonce: 'nonce-abc',
  referenceId: 'user-42',
  userAuthorizationId: 'a85fe9e9-b4c9-45cf-a392-834c57d83af7',
  profileIdentifier: '*******5678',
};

describe('verifyResponseToken', () => {
  it('accepts a valid succeeded token and returns its claims', async () => {
    const verdict = await verifyResponseToken(await signToken(claims), options);
    expect(verdict).toEqual({
      verdict: 'ok',
      claims: {
        nonce: 'nonce-abc',
        referenceId: 'user-42',
        exp: claims.exp,
        userAuthorizationId: claims.userAuthorizationId,
        profileIdentifier: '*******5678',
      },
    });
  });

  it('refuses alg none', async () => {
    const token = await signToken(claims, { header: { alg: 'none', typ: 'JWT' } });
    const unsigned = token.split('.').slice(0, 2).join('.') + '.';
    expect(await verifyResponseToken(unsigned, options)).toEqual({
      verdict: 'invalid',
      reason: 'algorithm',
    });
  });

  it('refuses HS512 and RS256 headers', async () => {
    for (const alg of ['HS512', 'RS256']) {
      const token = await signToken(claims, { header: { alg } });
      expect(await verifyResponseToken(token, options)).toEqual({
        verdict: 'invalid',
        reason: 'algorithm',
      });
    }
  });

  it('refuses a token signed with the raw (not base64-decoded) secret', async () => {
    const token = await signToken(claims, { key: new TextEncoder().encode(TEST_SECRET) });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'signature',
    });
  });

  // A minute of clock leeway: a token is expired once it is more than 60 s past exp.
  it('refuses an expired token', async () => {
    const token = await signToken({ ...claims, exp: NOW / 1000 - 61 });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'expired',
    });
  });

  it('accepts a token within the 60 s clock leeway', async () => {
    const token = await signToken({ ...claims, exp: NOW / 1000 - 30 });
    expect(await verifyResponseToken(token, options)).toMatchObject({ verdict: 'ok' });
  });

  it('refuses a token that claims to live longer than 15 minutes', async () => {
    const token = await signToken({ ...claims, exp: NOW / 1000 + 16 * 60 });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'claims',
    });
  });

  it('refuses a token with a crit header it does not understand', async () => {
    const encode = (value: unknown) =>
      btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const header = encode({ alg: 'HS256', typ: 'JWT', crit: ['x-paypay-new'], 'x-paypay-new': 1 });
    const body = encode(claims);
    const key = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(atob(options.apiSecret), (c) => c.charCodeAt(0)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const mac = new Uint8Array(
      await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${body}`)),
    );
    const signature = btoa(String.fromCharCode(...mac))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(await verifyResponseToken(`${header}.${body}.${signature}`, options)).toEqual({
      verdict: 'invalid',
      reason: 'malformed',
    });
  });

  it.each([
    ['the API key', API_KEY],
    ['a list holding the client ID', ['https://elsewhere.example', CLIENT_ID]],
    ['a list holding the API key', [API_KEY]],
  ])('accepts a token whose aud is %s', async (_, aud) => {
    const token = await signToken({ ...claims, aud });
    expect(await verifyResponseToken(token, options)).toMatchObject({ verdict: 'ok' });
  });

  it('refuses a token for another client ID, naming the aud it carries and its session', async () => {
    const token = await signToken({ ...claims, aud: 'a_Other00001' });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'audience',
      seen: ['a_Other00001'],
      nonce: 'nonce-abc',
    });
  });

  it.each([
    ['an expired token', { exp: NOW / 1000 - 120 }],
    ['a token without a nonce', { nonce: undefined }],
    ['a token with an empty nonce', { nonce: '' }],
  ])('refuses %s for another client ID, naming no session', async (_, change) => {
    const token = await signToken({ ...claims, aud: 'a_Other00001', ...change });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'audience',
      seen: ['a_Other00001'],
      nonce: null,
    });
  });

  it.each([
    ['a list of others', ['a_Other00001', 'a_Other00002'], ['a_Other00001', 'a_Other00002']],
    ['no aud', undefined, []],
    ['an aud that is not text', 42, []],
    ['a list with a number', [7, 'a_Other00001'], ['a_Other00001']],
    ['an overlong aud', 'x'.repeat(500), ['x'.repeat(128)]],
    [
      'a long list',
      Array.from({ length: 9 }, (_, i) => `aud${i}`),
      ['aud0', 'aud1', 'aud2', 'aud3', 'aud4'],
    ],
  ])(
    'refuses %s as the audience, naming at most 5 texts of 128 characters',
    async (_, aud, seen) => {
      const token = await signToken({ ...claims, aud });
      expect(await verifyResponseToken(token, options)).toEqual({
        verdict: 'invalid',
        reason: 'audience',
        seen,
        nonce: 'nonce-abc',
      });
    },
  );

  it('checks the signature before the audience: a forged token for another aud names nothing', async () => {
    const token = await signToken(
      { ...claims, aud: 'a_Other00001' },
      { key: new TextEncoder().encode('guessed-key') },
    );
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'signature',
    });
  });

  it('refuses the client ID when only the API key is expected (a key of no PayPay shape)', async () => {
    const token = await signToken(claims);
    expect(await verifyResponseToken(token, { ...options, audiences: [API_KEY] })).toMatchObject({
      verdict: 'invalid',
      reason: 'audience',
    });
  });

  it('refuses a token from another issuer', async () => {
    const token = await signToken({ ...claims, iss: 'evil.example' });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'issuer',
    });
  });

  it('refuses a token whose nonce is not the session nonce', async () => {
    const token = await signToken({ ...claims, nonce: 'nonce-other' });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'nonce',
    });
  });

  it('refuses a tampered payload', async () => {
    const [head, , sig] = (await signToken(claims)).split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claims, userAuthorizationId: 'victim' }),
    ).toString('base64url');
    expect(await verifyResponseToken(`${head}.${forged}.${sig}`, options)).toEqual({
      verdict: 'invalid',
      reason: 'signature',
    });
  });

  it('reports declined and bad_request results with their nonce', async () => {
    const declined = await signToken({
      ...claims,
      result: 'declined',
      userAuthorizationId: undefined,
    });
    expect(await verifyResponseToken(declined, options)).toMatchObject({
      verdict: 'declined',
      claims: { nonce: 'nonce-abc' },
    });
    const bad = await signToken({ ...claims, result: 'bad_request' });
    expect(await verifyResponseToken(bad, options)).toMatchObject({ verdict: 'bad_request' });
  });

  it('refuses a succeeded token without a userAuthorizationId', async () => {
    const token = await signToken({ ...claims, userAuthorizationId: undefined });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'claims',
    });
  });

  it('refuses an unknown result value', async () => {
    const token = await signToken({ ...claims, result: 'maybe' });
    expect(await verifyResponseToken(token, options)).toEqual({
      verdict: 'invalid',
      reason: 'claims',
    });
  });

  it('lets the caller learn the nonce when the session is not known yet', async () => {
    const token = await signToken(claims);
    const verdict = await verifyResponseToken(token, { ...options, expectedNonce: undefined });
    expect(verdict.verdict === 'ok' && verdict.claims.nonce).toBe('nonce-abc');
  });

  it.each([
    ['empty', ''],
    ['one part', 'abc'],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['bad base64', '!!.??.**'],
    [
      'not JSON',
      `${Buffer.from('nope').toString('base64url')}.${Buffer.from('{').toString('base64url')}.xx`,
    ],
    ['JSON array header', `${Buffer.from('[1]').toString('base64url')}.e30.xx`],
    ['huge', 'a'.repeat(10_000)],
    ['invalid UTF-8', `${Buffer.from([0xff, 0xfe]).toString('base64url')}.e30.xx`],
  ])('answers invalid, never throws, for garbage: %s', async (_, token) => {
    const verdict = await verifyResponseToken(token, options);
    expect(verdict.verdict).toBe('invalid');
  });

  it('answers invalid when the configured secret is not base64', async () => {
    const token = await signToken(claims);
    expect(await verifyResponseToken(token, { ...options, apiSecret: 'not base64!' })).toEqual({
      verdict: 'invalid',
      reason: 'key',
    });
  });
});
