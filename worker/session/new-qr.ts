import { err, ok, type Result } from '../../shared/result';
import { logLine } from '../log';
import { paypayFailed, type PayPayFailed } from '../paypay/failures';
import { PayPayClient } from '../paypay/client';
import { codeChallengeS256, createCodeVerifier } from '../paypay/pkce';
import type { CreateInput } from './contract';
import { hashSecret, newNonceSecret, newSessionSecret } from './ids';
import { pendingRecord, type SessionRecord } from './record';

/** A new session's first record, the secret its id carries, and PayPay's request id. */
export interface NewQr {
  record: SessionRecord;
  secret: string;
  paypayRequestId: string | null;
}

/**
 * Asks PayPay for the KYC Passport QR of a new session in object `objectId`,
 * with the settings the route checked: the session's secrets are drawn here
 * (the nonce names the object, so the callback finds it from the token alone)
 * and the code verifier never leaves the object.
 */
export async function newQr(
  input: CreateInput,
  objectId: string,
  now: number,
): Promise<Result<NewQr, PayPayFailed>> {
  const client = new PayPayClient(input.paypay);
  const codeVerifier = createCodeVerifier();
  const secret = newSessionSecret();
  const nonce = `${objectId}.${newNonceSecret()}`;
  const created = await client.createKycPassportQr({
    scopes: input.scopes,
    nonce,
    redirectUrl: input.callbackUrl,
    redirectType: input.redirectType,
    codeChallenge: await codeChallengeS256(codeVerifier),
    referenceId: input.referenceId,
    phoneNumber: input.phoneNumber,
    userAgent: input.userAgent,
    kycData: input.kycData,
  });
  if (!created.ok) return err(paypayFailed(created));
  if (created.data.expiryNote !== null) {
    // Visible, not fatal: the QR works, its countdown is ours (docs/paypay-assumptions.md).
    logLine('warn', 'paypay', {
      operation: 'createQr',
      note: created.data.expiryNote,
      paypayRequestId: created.requestId,
    });
  }
  const record = pendingRecord({
    sessionSecretHash: await hashSecret(secret),
    mode: input.mode,
    lang: input.lang,
    redirectType: input.redirectType,
    referenceId: input.referenceId ?? null,
    createdAt: now,
    expiresAt: created.data.expiresAt,
    nonceHash: await hashSecret(nonce),
    codeVerifier,
    codeId: created.data.codeId,
    qrUrl: created.data.linkQRCodeURL,
    claims: input.claims,
    acceptedMethods: input.acceptedMethods,
    qrRequestId: created.requestId,
    ...(input.hosted ? { hosted: input.hosted } : {}),
  });
  return ok({ record, secret, paypayRequestId: created.requestId });
}
