import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../../server/receipt';
import { digestOf } from '../../../worker/receipts/jws';
import { exchange, MERCHANT_TOKEN, testSetting, worker } from '../support/flow';
import { feedRowsWith, forget, stateOf, until } from '../support/users';
import { settle } from '../support/webhooks';
import { exchanged, verify, workerWith } from './support';

const bearer = { Authorization: `Bearer ${MERCHANT_TOKEN}` };

async function jwks(): Promise<JSONWebKeySet> {
  const response = await worker('/.well-known/jwks.json');
  expect(response.status).toBe(200);
  return response.json<JSONWebKeySet>();
}

/** The released part of an exchange's answer: what the receipt's digest covers. */
function releasedOf(body: Record<string, unknown>): { claims: unknown; kyc?: unknown } {
  return body.kyc === undefined ? { claims: body.claims } : { claims: body.claims, kyc: body.kyc };
}

describe('signed verification receipts', () => {
  it('verify with jose against the JWKS alone, and their digest is of what was released', async () => {
    const { sessionId, resultToken } = await verify(
      { claims: ['age_over_18', 'age_over_20', 'document'], referenceId: 'order-77' },
      { mode: 'merchant' },
    );
    const body = await exchanged(resultToken!);
    const receipt = String(body.receipt);
    const { payload, protectedHeader } = await jwtVerify(receipt, createLocalJWKSet(await jwks()), {
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    expect(payload).toMatchObject({
      jti: expect.stringMatching(/^rcp_\d{6}_[A-Za-z0-9_-]{22}$/),
      iss: new URL(testSetting('CALLBACK_URL')).origin,
      sid: sessionId.split('.')[0],
      mode: 'merchant',
      referenceId: 'order-77',
      claims: ['age_over_18', 'age_over_20', 'document'],
      codeId: expect.any(String),
      document: { kycType: expect.any(String) },
      digest: await digestOf(releasedOf(body)),
    });
    expect((payload.paypayRequestIds as string[]).length).toBeGreaterThan(0);
    expect(Date.parse(String(payload.verifiedAt))).toBe(Date.parse(String(body.completedAt)));
  });

  it('is refused once one byte of the released claims changed', async () => {
    const { resultToken } = await verify({ claims: ['age_over_20', 'name'] });
    const body = await exchanged(resultToken!);
    const { payload } = await jwtVerify(String(body.receipt), createLocalJWKSet(await jwks()));
    const released = releasedOf(body);
    expect(await digestOf(released)).toBe(payload.digest);
    // The family name's last character moved by one code point: one byte of its UTF-8.
    const name = (body.claims as { name: { lastName: string } }).name.lastName;
    const moved = name.slice(0, -1) + String.fromCharCode(name.charCodeAt(name.length - 1) + 1);
    const altered = JSON.parse(JSON.stringify(released).replace(name, moved));
    expect(await digestOf(altered)).not.toBe(payload.digest);
    // The merchant's side (paypay-kyc-passport/server) says the same, offline with the keys alone.
    const keys = { jwks: (await jwks()) as { keys: JsonWebKey[] } };
    await expect(verifyReceipt(String(body.receipt), body as never, keys)).resolves.toMatchObject({
      jti: payload.jti,
    });
    await expect(verifyReceipt(String(body.receipt), altered, keys)).rejects.toMatchObject({
      code: 'RECEIPT_DIGEST_MISMATCH',
    });
    const flipped = {
      ...released,
      claims: {
        ...(released.claims as object),
        age_over_20: !(body.claims as { age_over_20: boolean }).age_over_20,
      },
    };
    expect(await digestOf(flipped)).not.toBe(payload.digest);
  });

  it('is refused when the receipt itself changed by one byte', async () => {
    const { resultToken } = await verify({ claims: ['age_over_20'] });
    const receipt = String((await exchanged(resultToken!)).receipt);
    const [header, payload, signature] = receipt.split('.');
    const flipped = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.at(-2) === 'A' ? 'B' : 'A'}${signature!.at(-1)}`;
    await expect(jwtVerify(flipped, createLocalJWKSet(await jwks()))).rejects.toThrow();
    expect(decodeProtectedHeader(receipt).alg).toBe('EdDSA');
  });

  it('stays in the log, by id, after the user was forgotten: no personal data, no user id', async () => {
    const { resultToken } = await verify(
      { claims: ['age_over_20'], referenceId: 'member-9' },
      { mode: 'merchant' },
    );
    const body = await exchanged(resultToken!);
    const uaid = String(body.userAuthorizationId);
    const { payload } = await jwtVerify(String(body.receipt), createLocalJWKSet(await jwks()));
    await until(async () => (await stateOf(uaid)) !== null);
    expect((await forget(uaid)).status).toBe(202);
    await settle();
    expect(await feedRowsWith(uaid)).toEqual([]);
    const found = await worker(`/v1/receipts/${String(payload.jti)}`, { headers: bearer });
    expect(found.status).toBe(200);
    const entry = await found.json<Record<string, unknown>>();
    expect(entry).toMatchObject({
      id: payload.jti,
      digest: payload.digest,
      session: payload.sid,
      claims: ['age_over_20'],
      kid: expect.any(String),
    });
    const text = JSON.stringify(entry);
    expect(text).not.toContain(uaid);
    expect(text).not.toContain('member-9');
  });

  it('production without RECEIPT_SIGNING_KEY answers receipt: null, and still logs the exchange', async () => {
    const { resultToken } = await verify({ claims: ['age_over_20'] });
    const response = await workerWith(
      '/v1/results/exchange',
      {
        method: 'POST',
        headers: { ...bearer, 'Content-Type': 'application/json' },
        body: JSON.stringify({ resultToken }),
      },
      {},
      'https://kyc.example',
    );
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body.receipt).toBeNull();
    expect(body.claims).toEqual({ age_over_20: expect.any(Boolean) });
    await expect(exchange(resultToken)).resolves.toHaveProperty('status', 410);
  });
});
