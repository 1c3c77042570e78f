import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { publishedKeys, signingKeyOf } from '../../../worker/receipts/keys';
import { devKeyObject } from '../../../worker/receipts/stub';
import { configOf } from '../../../worker/settings/config';
import { envWith } from '../support/webhooks';
import { newPrivateJwk, publicOf } from './entries';

// Which key signs receipts and which keys are published (issue 23).

/** An env and its config for a public host (production rules) or loopback (development). */
function deployment(overrides: Record<string, string>, host = 'kyc.example') {
  const deployed = envWith(overrides);
  return { env: deployed, config: configOf(deployed, host) };
}

describe('signingKeyOf and publishedKeys', () => {
  it('sign with RECEIPT_SIGNING_KEY and publish its public half, then the retired keys', async () => {
    const key = await newPrivateJwk('rk_2026_07');
    const old = [
      publicOf(await newPrivateJwk('rk_2025_01')),
      publicOf(await newPrivateJwk('rk_2024')),
    ];
    const d = deployment({
      RECEIPT_SIGNING_KEY: JSON.stringify(key),
      RECEIPT_PREVIOUS_KEYS: JSON.stringify(old),
    });
    expect(d.config.environment).toBe('production');
    expect(await signingKeyOf(d.env, d.config)).toEqual({
      kid: 'rk_2026_07',
      privateJwk: { kty: 'OKP', crv: 'Ed25519', x: key.x, d: key.d },
    });
    const published = await publishedKeys(d.env, d.config);
    expect(published.map((k) => k.kid)).toEqual(['rk_2026_07', 'rk_2025_01', 'rk_2024']);
    expect(published[0]).toEqual({ ...publicOf(key), alg: 'EdDSA', use: 'sig' });
    expect(JSON.stringify(published)).not.toContain('"d"');
  });

  it('use the deployment dev key in development without RECEIPT_SIGNING_KEY', async () => {
    const d = deployment({ RECEIPT_SIGNING_KEY: '' }, '127.0.0.1');
    expect(d.config.environment).toBe('development');
    const dev = await devKeyObject(env).devKey();
    expect(await signingKeyOf(d.env, d.config)).toMatchObject({ kid: dev.kid });
    const published = await publishedKeys(d.env, d.config);
    expect(published).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: dev.x, kid: dev.kid, alg: 'EdDSA', use: 'sig' },
    ]);
  });

  it('sign nothing in production without RECEIPT_SIGNING_KEY, and publish only retired keys', async () => {
    const old = publicOf(await newPrivateJwk('rk_old'));
    const d = deployment({ RECEIPT_SIGNING_KEY: '', RECEIPT_PREVIOUS_KEYS: JSON.stringify([old]) });
    expect(await signingKeyOf(d.env, d.config)).toBeNull();
    expect(await publishedKeys(d.env, d.config)).toEqual([{ ...old, alg: 'EdDSA', use: 'sig' }]);
  });
});
