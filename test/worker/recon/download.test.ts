import { describe, expect, it } from 'vitest';
import { openRecon, refusalOf, type DownloadOptions } from '../../../worker/recon/download';

/** A recon file opened and read to its end: why it could not be, or its size. */
async function downloadRecon(path: string, options: DownloadOptions) {
  const opened = await openRecon(path, options);
  if (!opened.ok) return opened;
  let size = 0;
  for (;;) {
    const chunk = await opened.value.read();
    if (!chunk.ok || chunk.value === null) return chunk.ok ? { ok: true, size } : chunk;
    size += chunk.value.byteLength;
  }
}

describe('recon downloads refuse what is not an allowed host', () => {
  const hosts = new Set(['sandbox.test', '127.0.0.1:8788']);

  it.each([
    ['another host', 'https://evil.test/f.csv', 'HOST_NOT_ALLOWED'],
    ['a look-alike host', 'https://sandbox.test.evil.test/f.csv', 'HOST_NOT_ALLOWED'],
    ['a trailing-dot host', 'https://sandbox.test./f.csv', 'HOST_NOT_ALLOWED'],
    ['another port', 'https://sandbox.test:8443/f.csv', 'HOST_NOT_ALLOWED'],
    ['an IPv4 literal', 'https://127.0.0.1/f.csv', 'HOST_NOT_ALLOWED'],
    ['a decimal IPv4 literal', 'https://2130706433/f.csv', 'HOST_NOT_ALLOWED'],
    ['an IPv6 literal', 'https://[::1]/f.csv', 'HOST_NOT_ALLOWED'],
    ['a metadata address', 'https://169.254.169.254/latest', 'HOST_NOT_ALLOWED'],
    ['http to a public host', 'http://sandbox.test/f.csv', 'PATH_NOT_HTTPS'],
    [
      'userinfo naming the allowed host',
      'https://sandbox.test@evil.test/f.csv',
      'PATH_HAS_USERINFO',
    ],
    [
      'userinfo before the allowed host',
      'https://evil.test@sandbox.test/f.csv',
      'PATH_HAS_USERINFO',
    ],
    ['a password', 'https://u:p@sandbox.test/f.csv', 'PATH_HAS_USERINFO'],
    ['a backslash trick', 'https://evil.test\\@sandbox.test/f.csv', 'HOST_NOT_ALLOWED'],
    ['another scheme', 'ftp://sandbox.test/f.csv', 'PATH_NOT_HTTPS'],
    ['a file URL', 'file:///etc/passwd', 'PATH_NOT_HTTPS'],
  ])('%s, without fetching anything', async (_name, path, reason) => {
    expect(refusalOf(path, hosts)).toBe(reason);
    const seen: string[] = [];
    const result = await downloadRecon(path, {
      allowedHosts: hosts,
      fetch: async (input) => {
        seen.push(String(input));
        return new Response('userAuthorizationId\r\n');
      },
    });
    expect(result).toEqual({ ok: false, error: reason });
    expect(seen).toEqual([]);
  });

  it('allows https to a listed host, and http only to a listed loopback host', () => {
    expect(refusalOf('https://SANDBOX.test:443/f.csv?x=1', hosts)).toBeNull();
    expect(refusalOf('http://127.0.0.1:8788/f.csv', hosts)).toBeNull();
    expect(refusalOf('http://127.0.0.1:9999/f.csv', hosts)).toBe('HOST_NOT_ALLOWED');
  });

  it('follows a redirect to the same host a bounded number of times, never to another host', async () => {
    const seen: string[] = [];
    const redirecting = (to: (n: number) => string) => async (input: RequestInfo | URL) => {
      seen.push(String(input));
      return new Response(null, { status: 302, headers: { Location: to(seen.length) } });
    };
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        fetch: redirecting(() => 'https://evil.test/b.csv'),
      }),
    ).toEqual({ ok: false, error: 'REDIRECT_NOT_ALLOWED' });
    expect(seen).toEqual(['https://sandbox.test/a.csv']);

    seen.length = 0;
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        fetch: redirecting(() => 'http://sandbox.test/b.csv'),
      }),
    ).toEqual({ ok: false, error: 'REDIRECT_NOT_ALLOWED' });

    seen.length = 0;
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        fetch: redirecting((n) => `/hop${n}.csv`),
      }),
    ).toEqual({ ok: false, error: 'TOO_MANY_REDIRECTS' });
    expect(seen).toHaveLength(4);
    expect(seen.every((url) => new URL(url).host === 'sandbox.test')).toBe(true);
  });

  it('bounds size and time', async () => {
    const big = 'userAuthorizationId\r\n' + 'u-1\r\n'.repeat(100);
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        maxBytes: 100,
        fetch: async () => new Response(new Blob([big]).stream()),
      }),
    ).toEqual({ ok: false, error: 'FILE_TOO_LARGE' });
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        maxBytes: 100,
        fetch: async () => new Response('x', { headers: { 'Content-Length': '999999' } }),
      }),
    ).toEqual({ ok: false, error: 'FILE_TOO_LARGE' });
    expect(
      await downloadRecon('https://sandbox.test/a.csv', {
        allowedHosts: hosts,
        timeoutMs: 50,
        fetch: (_input, init) =>
          new Promise((_resolve, reject) =>
            init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
          ),
      }),
    ).toEqual({ ok: false, error: 'TIMEOUT' });
  });
});
