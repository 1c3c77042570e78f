import { expect } from 'vitest';
import { KycPassportError } from '../../../server/index';
import { MERCHANT_TOKEN } from './flow';

/** A merchant token of the fakes' own, to check no message carries it. */
export const TOKEN = 'tok_secret_0123456789abcdefghij';

/** The KycPassportError a promise rejects with (and that no token is in its message). */
export async function failure(promise: Promise<unknown>): Promise<KycPassportError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KycPassportError);
  const typed = error as KycPassportError;
  expect(typed.message).not.toContain(TOKEN);
  expect(typed.message).not.toContain(MERCHANT_TOKEN);
  return typed;
}
