import { describe, expect, it } from 'vitest';
import { call } from '../support/webhooks';

// The console's files (routes/console.ts), read through the ASSETS binding once
// the Access check has passed: here in development on loopback, where the
// console is open, with a fixture in place of dist/console/ (the UI is built by
// `npm run build`; these tests must not depend on a build).

const INDEX =
  '<!doctype html><title>console</title><script type="module" src="./assets/app.js"></script>';

/** An ASSETS binding holding `files` (path -> body), answering 307 for a directory as Workers do. */
function assets(files: Record<string, string>, asked: string[] = []) {
  return {
    ASSETS: {
      fetch: (request: Request) => {
        const path = new URL(request.url).pathname;
        asked.push(path);
        const file = path.endsWith('/') ? `${path}index.html` : path;
        if (files[file] === undefined) return Promise.resolve(new Response('', { status: 404 }));
        return Promise.resolve(
          new Response(files[file], {
            headers: {
              'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html',
              ETag: '"v1"',
            },
          }),
        );
      },
    },
  };
}

const BUILT = assets({ '/console/index.html': INDEX, '/console/assets/app.js': 'export {};' });

describe('GET /console', () => {
  it.each(['/console', '/console/', '/console/deliveries', '/console/users/abc'])(
    'answers the app page for %s, never framed, kept by no shared cache',
    async (path) => {
      const response = await call(path, {}, BUILT);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(INDEX);
      expect(response.headers.get('Content-Security-Policy')).toBe("frame-ancestors 'none'");
      expect(response.headers.get('X-Frame-Options')).toBe('DENY');
      expect(response.headers.get('Cache-Control')).toBe('private, no-cache');
      expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    },
  );

  it('answers a file of the app as it is', async () => {
    const response = await call('/console/assets/app.js', {}, BUILT);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/javascript');
    expect(await response.text()).toBe('export {};');
  });

  it('passes on If-None-Match and nothing of Access', async () => {
    const asked: string[] = [];
    const response = await call(
      '/console/assets/app.js',
      { headers: { 'If-None-Match': '"v1"', 'Cf-Access-Jwt-Assertion': 'x.y.z' } },
      assets({ '/console/assets/app.js': 'export {};' }, asked),
    );
    expect(response.status).toBe(200);
    expect(asked).toEqual(['/console/assets/app.js']);
  });

  it('answers a missing file 404 JSON', async () => {
    const response = await call('/console/assets/gone.js', {}, BUILT);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers 404 NOT_FOUND while the console is not built', async () => {
    const response = await call('/console', {}, assets({}));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('npm run build') },
    });
  });

  it('answers an unknown console API path 404 JSON, not the page', async () => {
    const response = await call('/console/api/v1/nowhere', {}, BUILT);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
