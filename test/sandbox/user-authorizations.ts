import { expect } from 'vitest';
import type { SandboxUser } from '../../sandbox/types';
import {
  adminJson,
  answer,
  BASE,
  REQUEST_ID,
  type CallOptions,
  type Envelope,
  type TestMerchant,
} from './support';

// The user-authorization calls of the authorizations-*.test.ts files, and what
// they expect of every refusal.

/** A day in seconds; the sandbox's default authorization lasts 400 of them. */
export const DAY = 86_400;
export const DEFAULT_VALIDITY = 400 * DAY;
/** QR fields asking for "Get user KYC info" too. */
export const WITH_KYC_INFO = {
  scopes: ['kyc_passport_qr', 'mini_app_kyc_passport', 'get_kyc_info'],
};

/** `GET /v2/user/authorizations` with this query string. */
export function authorization(merchant: TestMerchant, query: string, options: CallOptions = {}) {
  return answer(merchant, 'GET', '/v2/user/authorizations', { query, ...options });
}

/** `GET /v2/user/authorizations?userAuthorizationId=<uaid>`. */
export function authorizationOfUser(
  merchant: TestMerchant,
  uaid: string,
  options: CallOptions = {},
) {
  return authorization(merchant, `?userAuthorizationId=${encodeURIComponent(uaid)}`, options);
}

/** `DELETE /v2/user/authorizations/<segment>` (the segment as given, not encoded). */
export function unlink(merchant: TestMerchant, segment: string, options: CallOptions = {}) {
  return answer(merchant, 'DELETE', `/v2/user/authorizations/${segment}`, options);
}

/** The raw JSON body of a signed call. */
export async function rawBody(res: Response): Promise<Record<string, unknown>> {
  return res.json<Record<string, unknown>>();
}

/** A user made by the admin API; the user as answered. */
export async function adminUser(
  merchant: TestMerchant,
  body: Record<string, unknown> = {},
): Promise<SandboxUser> {
  const created = await adminJson<SandboxUser>(merchant, 'POST', '/users', body);
  expect(created.status).toBe(201);
  return created.body;
}

/** Re-registers `merchant` with these fields (its users stay). */
export async function reRegister(
  merchant: TestMerchant,
  extra: Record<string, unknown>,
): Promise<void> {
  const res = await fetch(`${BASE}/_sandbox/merchant`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiKey: merchant.apiKey, apiSecret: merchant.apiSecret, ...extra }),
  });
  expect(res.status).toBe(200);
}

/** A refusal: this status and code, no data, a request id. */
export function expectCode(env: Envelope, status: number, code: string): void {
  expect([env.status, env.code]).toEqual([status, code]);
  expect(env.data).toBeNull();
  expect(env.requestId).toMatch(REQUEST_ID);
}

/** Every call about a user, answered with this 401 code. */
export async function expectEveryUserCall(
  merchant: TestMerchant,
  uaid: string,
  code: string,
  options: CallOptions = {},
): Promise<void> {
  const answers = [
    await answer(merchant, 'GET', '/v1/kyc/passport', {
      ...options,
      headers: { 'X-USER-AUTHORIZATION-ID': uaid },
    }),
    await answer(merchant, 'GET', '/v2/user/kycInfo', {
      ...options,
      query: `?userAuthorizationId=${uaid}`,
    }),
    await authorizationOfUser(merchant, uaid, options),
    await unlink(merchant, uaid, options),
  ];
  for (const env of answers) expectCode(env, 401, code);
}
