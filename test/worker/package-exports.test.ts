import { describe, expect, it } from 'vitest';
import * as real from '../../worker/index';
import type * as Declared from '../../worker/public';

// Compile-time half (`tsc -b`): each real export fits the published declaration
// (worker/public.d.ts, shipped as dist/worker/index.d.ts) with our Env in place of
// the loose one, and a generated Env (ours, as a merchant's) fits the loose one.
const handler: Declared.KycPassportWorker<Env> = real.default;
const classes: [
  typeof Declared.VerificationSession,
  typeof Declared.CreationRateLimiter,
  typeof Declared.EventFeed,
  typeof Declared.ReceiptLog,
  typeof Declared.MetricsLog,
] = [
  real.VerificationSession,
  real.CreationRateLimiter,
  real.EventFeed,
  real.ReceiptLog,
  real.MetricsLog,
];
const merchantEnv: Declared.KycPassportEnv = {} as Env;

describe('paypay-kyc-passport/worker', () => {
  it('exports exactly what worker/public.d.ts declares and docs/deploy.md re-exports', () => {
    void [handler, classes, merchantEnv];
    expect(Object.keys(real).sort()).toEqual([
      'CreationRateLimiter',
      'EventFeed',
      'MetricsLog',
      'ReceiptLog',
      'VerificationSession',
      'default',
    ]);
    expect(typeof real.default.fetch).toBe('function');
    expect(typeof real.default.scheduled).toBe('function');
    expect(typeof real.default.queue).toBe('function');
  });
});
