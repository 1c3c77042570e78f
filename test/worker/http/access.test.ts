import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureConsole } from '../support/console';
import { MERCHANT_TOKEN } from '../support/flow';
import { call, uid } from '../support/webhooks';

// Issue 24 item 4: the console and its API calls sit behind Cloudflare Access.
// The Worker fetches the team's certs from https://<team>/cdn-cgi/access/certs;
// here the test's own fetch answers that URL with the JWKS of a key pair the
// test made (the Worker runs in this isolate, so it calls the same global
// fetch), and every other fetch goes on to the sandbox as usual.

const TEAM = 'kyc-console-test.cloudflareaccess.com';
const AUD = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';
const ACCESS = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD };
const PRODUCTION = 'https://kyc.example';
const LOOPBACK = 'http://127.0.0.1:8787';
const EMAIL = 'support@merchant.example';

let teamKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: JWK[] };
let certFetches = 0;

beforeAll(async () => {
  const team = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  teamKey = team.privateKey;
  otherKey = other.privateKey;
  jwks = { keys: [{ ...(await exportJWK(team.publicKey)), kid: 'team-1', alg: 'RS256' }] };
});

const lines = captureConsole();

beforeEach(() => {
  const passOn = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = new Request(input, init).url;
    if (url === `https://${TEAM}/cdn-cgi/access/certs`) {
      certFetches += 1;
      return Promise.resolve(Response.json(jwks));
    }
    return passOn(input, init);
  });
});
afterEach(() => vi.restoreAllMocks());

/** An Access application token as Cloudflare would sign it, with any claim replaced. */
function accessToken(
  claims: Record<string, unknown> = {},
  key: CryptoKey = teamKey,
  kid = 'team-1',
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // Every claim in the payload, none set after it: the test's `claims` win.
  const payload = {
    iss: `https://${TEAM}`,
    aud: [AUD],
    sub: '7335d417-61da-459d-899c-0a01c76a2f94',
    email: EMAIL,
    type: 'app',
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

/** A token with an unsigned or differently signed header over the same claims. */
async function withHeader(header: object, signature: (input: string) => Promise<string>) {
  const [, payload] = (await accessToken()).split('.');
  const input = `${base64url(JSON.stringify(header))}.${payload}`;
  return `${input}.${await signature(input)}`;
}

function base64url(text: string | Uint8Array): string {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A console API call at `origin` (the user route: 404 USER_NOT_FOUND once let in). */
function consoleCall(origin: string, headers: Record<string, string>, overrides = {}) {
  return call(`${origin}/console/api/v1/users/${uid('u')}`, { headers }, overrides);
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('the console in production without ACCESS_TEAM_DOMAIN and ACCESS_AUD', () => {
  it.each(['/console', '/console/deliveries', `/console/api/v1/users/${uid('u')}`])(
    'is closed: %s answers 503 naming both settings',
    async (path) => {
      const response = await call(`${PRODUCTION}${path}`, {
        headers: { 'Cf-Access-Jwt-Assertion': await accessToken() },
      });
      expect(response.status).toBe(503);
      const error = await errorOf(response);
      expect(error.code).toBe('CONFIG_ACCESS_TEAM_DOMAIN');
      expect(error.message).toContain('ACCESS_TEAM_DOMAIN');
      expect(error.message).toContain('ACCESS_AUD');
    },
  );

  it('names a malformed setting', async () => {
    const response = await consoleCall(PRODUCTION, {}, { ...ACCESS, ACCESS_AUD: 'short' });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe('CONFIG_ACCESS_AUD');
  });
});

describe('the console in development on a loopback host', () => {
  it('is open without Access, and the log line names local-development', async () => {
    const response = await consoleCall(LOOPBACK, {});
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('USER_NOT_FOUND');
    const line = lines().find((l) => l.includes('"route":"/console/api/v1/users/:uaid"'));
    expect(JSON.parse(line!)).toMatchObject({ accessEmail: 'local-development', status: 404 });
  });

  it('leaves the /v1 routes to the bearer', async () => {
    const response = await call(`${LOOPBACK}/v1/users/${uid('u')}`);
    expect(response.status).toBe(401);
  });

  it('checks Access when it is configured', async () => {
    const response = await consoleCall(LOOPBACK, {}, ACCESS);
    expect(response.status).toBe(403);
  });
});

describe('Cf-Access-Jwt-Assertion in production', () => {
  it("lets in a token the team's key signed for the application", async () => {
    const response = await consoleCall(
      PRODUCTION,
      { 'Cf-Access-Jwt-Assertion': await accessToken() },
      ACCESS,
    );
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('USER_NOT_FOUND');
    expect(certFetches).toBeGreaterThan(0);
  });

  const refusals: Array<[string, () => Promise<string | null>, RegExp]> = [
    ['missing', async () => null, /no Cf-Access-Jwt-Assertion header/],
    ['empty', async () => '', /no Cf-Access-Jwt-Assertion header/],
    ['malformed', async () => 'not.a.jwt', /malformed/],
    ['expired', () => accessToken({ exp: Math.floor(Date.now() / 1000) - 10 }), /has expired/],
    [
      'not valid yet',
      () => accessToken({ nbf: Math.floor(Date.now() / 1000) + 600 }),
      /not valid yet/,
    ],
    ['for another audience', () => accessToken({ aud: ['b'.repeat(64)] }), /another application/],
    [
      'issued by another team',
      () => accessToken({ iss: 'https://other.cloudflareaccess.com' }),
      /another team/,
    ],
    ['signed by another key (same kid)', () => accessToken({}, otherKey), /signature/],
    [
      'signed by another key (unknown kid)',
      () => accessToken({}, otherKey, 'stranger'),
      /signature/,
    ],
    ['alg none', () => withHeader({ alg: 'none', kid: 'team-1' }, async () => ''), /RS256/],
    [
      'HS256 over the public key',
      () =>
        withHeader({ alg: 'HS256', kid: 'team-1' }, async (input) => {
          const key = await crypto.subtle.importKey(
            'raw',
            new TextEncoder().encode(JSON.stringify(jwks.keys[0])),
            { name: 'HMAC', hash: 'SHA-256' },
            false,
            ['sign'],
          );
          const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
          return base64url(new Uint8Array(mac));
        }),
      /RS256/,
    ],
    ['without an email', () => accessToken({ email: undefined }), /names no user/],
  ];

  it.each(refusals)('refuses a token %s with 403 ACCESS_DENIED', async (_name, make, reason) => {
    const token = await make();
    const headers: Record<string, string> =
      token === null ? {} : { 'Cf-Access-Jwt-Assertion': token };
    for (const path of ['/console', `/console/api/v1/users/${uid('u')}`]) {
      const response = await call(`${PRODUCTION}${path}`, { headers }, ACCESS);
      expect(response.status).toBe(403);
      const error = await errorOf(response);
      expect(error.code).toBe('ACCESS_DENIED');
      expect(error.message).toMatch(reason);
      if (token) expect(error.message).not.toContain(token);
    }
  });

  it('takes the merchant bearer instead, and refuses a wrong one', async () => {
    const user = `${PRODUCTION}/console/api/v1/users/${uid('u')}`;
    const good = await call(
      user,
      { headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` } },
      ACCESS,
    );
    expect(good.status).toBe(404);
    const bad = await call(user, { headers: { Authorization: 'Bearer nope' } }, ACCESS);
    expect(bad.status).toBe(401);
  });

  it("logs each console action with the Access identity's email, never in the answer", async () => {
    const headers = { 'Cf-Access-Jwt-Assertion': await accessToken() };
    const user = uid('u');
    const forget = await call(
      `${PRODUCTION}/console/api/v1/users/${user}`,
      { method: 'DELETE', headers },
      ACCESS,
    );
    const doctor = await call(`${PRODUCTION}/console/api/v1/doctor`, { headers }, ACCESS);
    expect(forget.status).not.toBe(403);
    expect(doctor.status).toBe(200);
    expect(await doctor.text()).not.toContain(EMAIL);
    const requests = lines()
      .filter((l) => l.startsWith('{"type":"request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(requests).toContainEqual(
      expect.objectContaining({
        method: 'DELETE',
        route: '/console/api/v1/users/:uaid',
        accessEmail: EMAIL,
      }),
    );
    expect(requests).toContainEqual(
      expect.objectContaining({ route: '/console/api/v1/doctor', accessEmail: EMAIL }),
    );
    expect(lines().join('\n')).not.toContain(headers['Cf-Access-Jwt-Assertion']);
  });
});
