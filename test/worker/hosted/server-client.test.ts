// paypay-kyc-passport/server's createSession with a returnUrl, against the Worker in workerd.
import { describe, expect, it } from 'vitest';
import { intoWorker } from '../support/into-worker';
import { createClient } from '../../../server/index';
import { MERCHANT_TOKEN } from '../support/flow';
import { failure } from '../support/server-client';
import { RETURN_URL } from './support';

describe('createClient().createSession with a returnUrl', () => {
  const client = createClient({
    endpoint: 'https://kyc.example',
    token: MERCHANT_TOKEN,
    fetch: intoWorker,
  });

  it("answers the hosted page's url, typed", async () => {
    const created = await client.createSession({ returnUrl: RETURN_URL, lang: 'en' });
    const url: string | undefined = created.url;
    expect(url).toBe(`https://kyc.example/verify/${created.sessionId}`);
  });

  it('throws RETURN_URL_NOT_ALLOWED for an origin ALLOWED_ORIGINS does not list', async () => {
    const refused = await failure(
      client.createSession({ returnUrl: 'https://elsewhere.example/return' }),
    );
    expect(refused).toMatchObject({ code: 'RETURN_URL_NOT_ALLOWED', status: 400 });
  });
});
