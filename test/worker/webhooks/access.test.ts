import { describe, expect, it } from 'vitest';
import { expectError } from '../support/flow';
import { eventBody, eventsAfter, KINDS, postWebhook, tailCursor, uid } from '../support/webhooks';

describe('WEBHOOK_ALLOWED_CIDRS', () => {
  const overrides = { WEBHOOK_ALLOWED_CIDRS: '192.0.2.0/24, 2001:db8:1::/48' };

  it.each(['192.0.2.10', '192.0.2.255', '2001:db8:1::5', '2001:db8:1:ffff::1', '::ffff:192.0.2.7'])(
    'accepts %s',
    async (ip) => {
      const response = await postWebhook('kyc', eventBody('kyc', uid('u')), {
        headers: { 'CF-Connecting-IP': ip },
        overrides,
      });
      expect(response.status).toBe(200);
    },
  );

  it.each(['198.51.100.1', '192.0.3.1', '2001:db8:2::1', '::1', '::ffff:198.51.100.1', 'junk', ''])(
    'refuses %j with 403 before reading anything',
    async (ip) => {
      const cursor = await tailCursor();
      await expectError(
        await postWebhook('kyc', eventBody('kyc', uid('u')), {
          headers: { 'CF-Connecting-IP': ip },
          overrides,
        }),
        403,
        'FORBIDDEN_SOURCE',
      );
      expect(await eventsAfter(cursor)).toEqual([]);
    },
  );

  it('refuses a disallowed source even on an unknown route or with a bad method', async () => {
    const headers = { 'CF-Connecting-IP': '203.0.113.9' };
    await expectError(
      await postWebhook('nope', '{}', { headers, overrides }),
      403,
      'FORBIDDEN_SOURCE',
    );
    await expectError(
      await postWebhook('kyc', '', { headers, overrides, method: 'GET' }),
      403,
      'FORBIDDEN_SOURCE',
    );
  });

  it('answers 503 naming the setting when it is malformed', async () => {
    await expectError(
      await postWebhook('kyc', eventBody('kyc', uid('u')), {
        overrides: { WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/99' },
      }),
      503,
      'CONFIG_WEBHOOK_ALLOWED_CIDRS',
    );
  });
});

describe('WEBHOOK_PATH_TOKEN', () => {
  const token = 'tok_0123456789abcdefXYZ';
  const overrides = { WEBHOOK_PATH_TOKEN: token };

  it('moves every receiver under the token', async () => {
    for (const [kind] of KINDS) {
      const response = await postWebhook(`${token}/${kind}`, eventBody(kind, uid('u')), {
        overrides,
      });
      expect(response.status).toBe(200);
    }
  });

  it.each([
    ['the token-less path', 'kyc'],
    ['a wrong token', 'tok_0123456789abcdefXYz/kyc'],
    ['a prefix of the token', 'tok_0123456789/kyc'],
    ['the token alone', token],
  ])('answers 404 to %s', async (_name, route) => {
    await expectError(
      await postWebhook(route, eventBody('kyc', uid('u')), { overrides }),
      404,
      'NOT_FOUND',
    );
  });

  it('answers 404 to a token path when no token is set', async () => {
    await expectError(
      await postWebhook(`${token}/kyc`, eventBody('kyc', uid('u'))),
      404,
      'NOT_FOUND',
    );
  });

  it('answers 503 naming the setting when it is too short to be secret', async () => {
    await expectError(
      await postWebhook('short/kyc', eventBody('kyc', uid('u')), {
        overrides: { WEBHOOK_PATH_TOKEN: 'short' },
      }),
      503,
      'CONFIG_WEBHOOK_PATH_TOKEN',
    );
  });
});
