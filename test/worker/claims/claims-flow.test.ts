import { describe, expect, it } from 'vitest';
import { expectError } from '../support/flow';
import {
  createSession,
  exchanged,
  PERSONAL_TRACES,
  storedRecord,
  storedText,
  verify,
} from './support';

describe('claims on demand', () => {
  it('an age_over_20-only session never stores or answers a birth date, name or address', async () => {
    const { sessionId, status, resultToken } = await verify({ claims: ['age_over_20'] });
    expect(status).toBe('completed');
    // Read after PayPay answered and before the exchange: the most it ever holds.
    const stored = await storedText(sessionId);
    for (const trace of PERSONAL_TRACES) expect(stored).not.toMatch(trace);
    const record = await storedRecord(sessionId);
    expect(record.claims).toEqual(['age_over_20']);
    expect(record.released?.kyc).toBeNull();
    expect(Object.keys(record.released?.claims ?? {})).toEqual(['age_over_20']);

    const body = await exchanged(resultToken!);
    expect(Object.keys(body).sort()).toEqual([
      'claims',
      'completedAt',
      'mode',
      'receipt',
      'referenceId',
      'sessionId',
      'userAuthorizationId',
    ]);
    expect(body.claims).toEqual({ age_over_20: expect.any(Boolean) });
    const { completedAt: _time, ...rest } = body;
    for (const trace of PERSONAL_TRACES) expect(JSON.stringify(rest)).not.toMatch(trace);
  });

  it('answers each asked claim from PayPay, and kyc only when asked', async () => {
    const { resultToken } = await verify(
      { claims: ['name', 'name_kana', 'date_of_birth', 'address', 'gender', 'document'] },
      { mode: 'merchant' },
    );
    const body = await exchanged(resultToken!);
    expect(body.kyc).toBeUndefined();
    expect(body.unavailable).toBeUndefined();
    const claims = body.claims as Record<string, Record<string, unknown>>;
    expect(Object.keys(claims)).toEqual([
      'name',
      'name_kana',
      'date_of_birth',
      'address',
      'gender',
      'document',
    ]);
    expect(claims.name).toEqual({ lastName: expect.any(String), firstName: expect.any(String) });
    expect(claims.name_kana).toEqual({
      lastNameKana: expect.stringMatching(/^[\u30a0-\u30ff]+$/),
      firstNameKana: expect.stringMatching(/^[\u30a0-\u30ff]+$/),
    });
    expect(claims.date_of_birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(claims.address).toMatchObject({ prefecture: expect.any(String) });
    expect(claims.gender).toMatch(/^(MALE|FEMALE)$/);
    expect(claims.document).toMatchObject({ kycType: expect.any(String), eKycDocument: {} });
  });

  it("keeps today's answer without claims: kyc as PayPay sent it, and claims {}", async () => {
    const { resultToken } = await verify({});
    const body = await exchanged(resultToken!);
    expect(body.claims).toEqual({});
    expect(body.kyc).toMatchObject({ kycStatus: 'COMPLETED', dateOfBirth: expect.any(String) });
    expect(body.receipt).toEqual(expect.any(String));
  });

  it('refuses unknown, repeated and empty claim lists by name, before anything is counted', async () => {
    for (const claims of [['age_over_21'], ['name', 'name'], [], 'name', [1]]) {
      await expectError(await createSession({ claims }), 400, 'INVALID_FIELD');
    }
  });

  it('limits a browser to ALLOWED_CLAIMS, never the merchant server', async () => {
    const overrides = { ALLOWED_CLAIMS: 'age_over_20' };
    await expectError(
      await createSession({ claims: ['age_over_20', 'name'] }, 'public', overrides),
      403,
      'CLAIM_NOT_ALLOWED',
    );
    // Naming none: kyc is not allowed, so the session gets what ALLOWED_CLAIMS lists.
    const { sessionId } = await verify({}, { overrides });
    expect((await storedRecord(sessionId)).claims).toEqual(['age_over_20']);
    const merchant = await createSession({ claims: ['name'] }, 'merchant', overrides);
    expect(merchant.status).toBe(201);
  });

  it('refuses a browser session when ALLOWED_CLAIMS cannot be read (fails closed)', async () => {
    await expectError(
      await createSession({}, 'public', { ALLOWED_CLAIMS: 'age_over_20 nickname' }),
      503,
      'CONFIG_ALLOWED_CLAIMS',
    );
  });
});

describe('ACCEPTED_KYC_METHODS', () => {
  it('fails a check by a method not listed with KYC_METHOD_NOT_ACCEPTED, keeping nothing', async () => {
    const { sessionId, status, reason, resultToken } = await verify(
      {},
      { overrides: { ACCEPTED_KYC_METHODS: 'PASSPORT' } },
    );
    expect({ status, reason, resultToken }).toEqual({
      status: 'failed',
      reason: 'KYC_METHOD_NOT_ACCEPTED',
      resultToken: undefined,
    });
    const record = await storedRecord(sessionId);
    expect(record.released).toBeNull();
    expect(record.userAuthorizationId).toBeNull();
    for (const trace of PERSONAL_TRACES) expect(await storedText(sessionId)).not.toMatch(trace);
  });

  it('completes a check by a listed method (kycType or eKycDocument)', async () => {
    const overrides = { ACCEPTED_KYC_METHODS: 'MY_NUMBER_CARD,DRIVERS_LICENSE RESIDENCE_CARD' };
    expect((await verify({}, { overrides })).status).toBe('completed');
  });

  it('refuses sessions while ACCEPTED_KYC_METHODS cannot be read', async () => {
    await expectError(
      await createSession({}, 'merchant', { ACCEPTED_KYC_METHODS: 'MY NUMBER"CARD' }),
      503,
      'CONFIG_ACCEPTED_KYC_METHODS',
    );
  });
});
