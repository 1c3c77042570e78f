import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createCodeVerifier, isCodeVerifier } from '../../../worker/paypay/pkce';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates 64-character verifiers within RFC 7636 and PayPay limits, each new', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const verifier = createCodeVerifier();
      expect(verifier).toHaveLength(64);
      expect(isCodeVerifier(verifier)).toBe(true);
      seen.add(verifier);
    }
    expect(seen.size).toBe(100);
  });

  it('recognises malformed verifiers', () => {
    expect(isCodeVerifier('short')).toBe(false);
    expect(isCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isCodeVerifier('a'.repeat(42) + ' ')).toBe(false);
    expect(isCodeVerifier('a'.repeat(43))).toBe(true);
  });
});
