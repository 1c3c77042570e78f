import { env } from 'cloudflare:workers';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { signReceipt } from '../../../worker/receipts/jws';
import { signingKeyOf } from '../../../worker/receipts/keys';
import { receiptLog } from '../../../worker/receipts/stub';
import { configOf } from '../../../worker/settings/config';
import { expectError } from '../support/flow';
import { bearer, call, envWith } from '../support/webhooks';
import { entryOf, idOf, newPrivateJwk, publicOf } from './entries';

// GET /.well-known/jwks.json and GET /v1/receipts/:id (issue 23).

const PUBLIC_HOST = 'https://kyc.example';

describe('GET /.well-known/jwks.json', () => {
  it('publishes the configured key and the retired ones, never d, for anyone to cache a while', async () => {
    const key = await newPrivateJwk('rk_now');
    const old = publicOf(await newPrivateJwk('rk_before'));
    const settings = {
      RECEIPT_SIGNING_KEY: JSON.stringify(key),
      RECEIPT_PREVIOUS_KEYS: JSON.stringify({ keys: [old] }),
    };
    const response = await call(`${PUBLIC_HOST}/.well-known/jwks.json`, {}, settings);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const text = await response.text();
    expect(text).not.toContain(key.d);
    const body = JSON.parse(text) as JSONWebKeySet;
    expect(body.keys.map((k) => k.kid)).toEqual(['rk_now', 'rk_before']);
    for (const published of body.keys) expect(published).not.toHaveProperty('d');

    // A receipt signed with the Worker's key verifies against this answer alone.
    const deployed = envWith(settings);
    const signing = await signingKeyOf(deployed, configOf(deployed, 'kyc.example'));
    expect(signing).not.toBeNull();
    const payload = { jti: idOf('202607'), iat: Math.floor(Date.now() / 1000), digest: 'x' };
    const receipt = await signReceipt(payload, signing!);
    const verified = await jwtVerify(receipt, createLocalJWKSet(body), { algorithms: ['EdDSA'] });
    expect(verified.payload).toEqual(payload);
    expect(verified.protectedHeader.kid).toBe('rk_now');
  });

  it('publishes the dev key in development, the one receipts are signed with there', async () => {
    const response = await call('/.well-known/jwks.json', {
      headers: { Origin: 'https://any.example' },
    });
    expect(response.status).toBe(200);
    const body = await response.json<JSONWebKeySet>();
    const signing = await signingKeyOf(env, configOf(env, '127.0.0.1'));
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]!.kid).toBe(signing!.kid);
    const receipt = await signReceipt({ jti: 'rcp_dev' }, signing!);
    await expect(jwtVerify(receipt, createLocalJWKSet(body))).resolves.toBeDefined();
  });

  it('publishes no current key in production without one, and /healthz tells the merchant', async () => {
    const response = await call(
      `${PUBLIC_HOST}/.well-known/jwks.json`,
      {},
      { RECEIPT_SIGNING_KEY: '' },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ keys: [] });
    const production = envWith({ RECEIPT_SIGNING_KEY: '' });
    expect(await signingKeyOf(production, configOf(production, 'kyc.example'))).toBeNull();
    const health = await call(
      `${PUBLIC_HOST}/healthz`,
      { headers: bearer },
      { RECEIPT_SIGNING_KEY: '' },
    );
    const { warnings } = await health.json<{ warnings: { setting?: string; reason: string }[] }>();
    expect(warnings).toContainEqual({
      setting: 'RECEIPT_SIGNING_KEY',
      reason: expect.stringContaining('receipt: null'),
    });
  });

  it('refuses with 503 naming the setting when RECEIPT_SIGNING_KEY is malformed', async () => {
    const key = await newPrivateJwk('rk_bad');
    const response = await call(
      `${PUBLIC_HOST}/.well-known/jwks.json`,
      {},
      {
        // A public key where the private one belongs.
        RECEIPT_SIGNING_KEY: JSON.stringify(publicOf(key)),
      },
    );
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    await expectError(response, 503, 'CONFIG_RECEIPT_SIGNING_KEY');
  });
});

describe('GET /v1/receipts/:id', () => {
  it('answers the log entry of a recorded receipt to the merchant', async () => {
    const entry = entryOf(idOf('202607'));
    await receiptLog(env, entry.id)!.record(entry);
    const response = await call(`/v1/receipts/${entry.id}`, { headers: bearer });
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual(entry);
  });

  it('asks for the bearer', async () => {
    const entry = entryOf(idOf('202607'));
    await receiptLog(env, entry.id)!.record(entry);
    await expectError(await call(`/v1/receipts/${entry.id}`), 401, 'UNAUTHORIZED');
  });

  it.each([
    ['an unknown id', idOf('202607')],
    ['an id of a month with no receipts', idOf('209901')],
    ['a malformed id', 'rcp_202613_AAAAAAAAAAAAAAAAAAAAAA'],
    ['a word', 'nope'],
    ['an encoded slash', 'rcp_202601_AAAAAAAAAAAAAAAAAAA%2FA'],
  ])('answers 404 RECEIPT_NOT_FOUND for %s', async (_why, id) => {
    await expectError(
      await call(`/v1/receipts/${id}`, { headers: bearer }),
      404,
      'RECEIPT_NOT_FOUND',
    );
  });
});
