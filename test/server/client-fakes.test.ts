// The client of paypay-kyc-passport/server inside workerd, against fakes for
// what a Worker never answers.
import { describe, expect, it } from 'vitest';
import { createClient, type FeedEvent } from '../../server/index';
import { TOKEN, failure } from '../worker/support/server-client';

/** A fetch that records each call and answers with `answer`. */
function fake(answer: (request: Request) => Response | Promise<Response>) {
  const calls: Request[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push(request);
    return answer(request);
  }) as typeof fetch;
  return { calls, fetchFn };
}

function page(events: Partial<FeedEvent>[], cursor: string): Response {
  return Response.json({ events, cursor });
}

describe('createClient against fakes', () => {
  it('sends the bearer, JSON, and ids encoded as one path segment', async () => {
    const { calls, fetchFn } = fake((request) =>
      request.method === 'DELETE'
        ? Response.json({ status: 'forgetting', requestId: 'req_1' }, { status: 202 })
        : Response.json({ userAuthorizationId: 'x', kyc: {} }),
    );
    const client = createClient({
      endpoint: 'https://kyc.example/base/',
      token: TOKEN,
      fetch: fetchFn,
    });
    await client.kyc('a/b?c#d');
    await client.forget('über:1');
    await client.exchange('rt1.abc');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET https://kyc.example/base/v1/users/a%2Fb%3Fc%23d/kyc',
      'DELETE https://kyc.example/base/v1/users/%C3%BCber%3A1',
      'POST https://kyc.example/base/v1/results/exchange',
    ]);
    expect(calls.every((c) => c.headers.get('Authorization') === `Bearer ${TOKEN}`)).toBe(true);
    expect(calls[2]!.headers.get('Content-Type')).toBe('application/json');
    expect(await calls[2]!.json()).toEqual({ resultToken: 'rt1.abc' });
    expect(calls[0]!.headers.get('Content-Type')).toBeNull();
  });

  it('refuses ids a path cannot carry, without sending anything', async () => {
    const { calls, fetchFn } = fake(() => new Response('{}'));
    const client = createClient({ endpoint: 'https://kyc.example', token: TOKEN, fetch: fetchFn });
    for (const id of ['', '.', '..'])
      expect((await failure(client.user(id))).code).toBe('INVALID_ID');
    expect(calls).toEqual([]);
  });

  it('gives network failures, timeouts and non-JSON answers codes of their own', async () => {
    const down = createClient({
      endpoint: 'https://kyc.example',
      token: TOKEN,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    const network = await failure(down.user('u1'));
    expect(network).toMatchObject({ code: 'NETWORK_ERROR', status: null, requestId: null });
    expect(network.cause).toBeInstanceOf(TypeError);

    const slow = createClient({
      endpoint: 'https://kyc.example',
      token: TOKEN,
      timeoutMs: 50,
      fetch: ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
        )) as typeof fetch,
    });
    expect(await failure(slow.user('u1'))).toMatchObject({ code: 'TIMEOUT', status: null });

    const html = fake(
      () =>
        new Response('<html>Bad gateway</html>', {
          status: 502,
          headers: { 'X-Request-Id': 'req_from_header' },
        }),
    );
    const proxy = createClient({
      endpoint: 'https://kyc.example',
      token: TOKEN,
      fetch: html.fetchFn,
    });
    expect(await failure(proxy.user('u1'))).toMatchObject({
      code: 'INVALID_RESPONSE',
      status: 502,
      requestId: 'req_from_header',
    });
    const redirect = fake(
      () => new Response(null, { status: 302, headers: { Location: 'https://elsewhere' } }),
    );
    const moved = createClient({
      endpoint: 'https://kyc.example',
      token: TOKEN,
      fetch: redirect.fetchFn,
    });
    expect(await failure(moved.user('u1'))).toMatchObject({
      code: 'INVALID_RESPONSE',
      status: 302,
    });
    expect(redirect.calls[0]!.redirect).toBe('manual');
    // A 200 that is not an object is no answer either.
    const odd = fake(() => new Response('"ok"'));
    const strange = createClient({
      endpoint: 'https://kyc.example',
      token: TOKEN,
      fetch: odd.fetchFn,
    });
    expect(await failure(strange.user('u1'))).toMatchObject({
      code: 'INVALID_RESPONSE',
      status: 200,
    });
  });

  it('keeps PayPay\u2019s request id and Retry-After', async () => {
    const { fetchFn } = fake(() =>
      Response.json(
        {
          error: {
            code: 'PAYPAY_UNAVAILABLE',
            message: 'PayPay is unavailable',
            requestId: 'req_0123456789abcdef01234567',
            paypayRequestId: 'pp-42',
          },
        },
        { status: 503, headers: { 'Retry-After': '7' } },
      ),
    );
    const client = createClient({ endpoint: 'https://kyc.example', token: TOKEN, fetch: fetchFn });
    const error = await failure(client.kyc('u1'));
    expect(error).toMatchObject({
      code: 'PAYPAY_UNAVAILABLE',
      status: 503,
      requestId: 'req_0123456789abcdef01234567',
      paypayRequestId: 'pp-42',
      retryAfterSeconds: 7,
    });
    expect(error.message).toContain('PayPay is unavailable');
  });

  it('pages the feed until an empty page; the cursor never passes an event not yet handed out', async () => {
    const pages: Record<string, Response> = {};
    const { calls, fetchFn } = fake((request) => {
      const after = new URL(request.url).searchParams.get('after') ?? '';
      return pages[after]!.clone();
    });
    pages[''] = page([{ id: 'e1' }, { id: 'e2' }], '2');
    pages['2'] = page([{ id: 'e3' }], '3');
    pages['3'] = page([], '3');
    const client = createClient({ endpoint: 'https://kyc.example', token: TOKEN, fetch: fetchFn });
    const feed = client.events({ limit: 2 });
    expect(calls).toEqual([]); // lazy
    expect(feed.cursor).toBe('');
    const cursors: [string, string][] = [];
    for await (const event of feed) cursors.push([event.id, feed.cursor]);
    // e1 handed out: resuming from '' repeats it (de-duplicate on id), never skips e2.
    expect(cursors).toEqual([
      ['e1', ''],
      ['e2', '2'],
      ['e3', '3'],
    ]);
    expect(feed.cursor).toBe('3');
    expect(calls.map((c) => new URL(c.url).search)).toEqual([
      '?limit=2',
      '?after=2&limit=2',
      '?after=3&limit=2',
    ]);

    // A break stops paging; resuming from the cursor picks up from there.
    calls.length = 0;
    const partial = client.events({ after: '2' });
    for await (const event of partial) {
      expect(event.id).toBe('e3');
      break;
    }
    expect(partial.cursor).toBe('3');
    expect(calls).toHaveLength(1);
  });

  it('refuses a feed page that would loop', async () => {
    const { fetchFn } = fake(() => page([{ id: 'e1' }], '5'));
    const client = createClient({ endpoint: 'https://kyc.example', token: TOKEN, fetch: fetchFn });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of client.events({ after: '5' })) seen.push(event.id);
      })(),
    );
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(seen).toEqual([]);
  });

  it('refuses plain http to a host that is not loopback, naming the host and why', () => {
    for (const endpoint of [
      'http://kyc.example',
      'http://10.0.0.5:8787/base',
      'http://[2001:db8::1]',
    ]) {
      const host = new URL(endpoint).hostname;
      expect(() => createClient({ endpoint, token: TOKEN }), endpoint).toThrow(TypeError);
      expect(() => createClient({ endpoint, token: TOKEN }), endpoint).toThrow(
        new RegExp(`${host.replace(/[.[\]]/g, '\\$&')}.*not a loopback host.*bearer`),
      );
    }
    // The local stack: wrangler dev on loopback, plain http.
    for (const endpoint of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787'])
      expect(() => createClient({ endpoint, token: TOKEN }), endpoint).not.toThrow();
  });

  it('refuses a bad endpoint or no token at once', () => {
    expect(() => createClient({ endpoint: 'kyc.example', token: TOKEN })).toThrow(TypeError);
    expect(() => createClient({ endpoint: 'ftp://kyc.example', token: TOKEN })).toThrow(TypeError);
    expect(() => createClient({ endpoint: 'https://u:p@kyc.example', token: TOKEN })).toThrow(
      /credentials/,
    );
    expect(() => createClient({ endpoint: 'https://kyc.example', token: '' })).toThrow(/token/);
  });
});
